import { type Config, ConfigError, SwitchyardError, UsageError } from '@switchyard/config';
import { loadConfig } from '@switchyard/config/validation';
import { deployCommand, newDeployId, publicUrl, readStatus, releaseIdFor, seedDatabase, textReporter } from '@switchyard/deploy';
import { describeSourceTree } from '@switchyard/host';
import { serverLayout } from '@switchyard/templates';
import { isAbsolute, resolve } from 'node:path';
import type { ExampleEntry } from './env-example';
import type { PartOutcome } from './parts';
import { checkLines } from './check-lines';
import { databaseProblem, ensureDatabase, hasDatabase } from './database';
import { checkPrerequisites, ensurePrerequisites } from './prerequisites';
import { setUpSecrets } from './set-up-secrets';

export const LOCAL = 'local';

export interface DevSetupOptions {
  /** The project's config directory (config/ beside .env.example). */
  readonly configDir: string;
  /** ask: on a terminal, asks for missing secrets; yes: generates those .env.example marks, fails on the rest. */
  readonly secrets: 'ask' | 'yes';
  readonly out: (line: string) => void;
  readonly ask?: (entry: ExampleEntry) => Promise<string>;
  readonly processEnv?: Readonly<Record<string, string | undefined>>;
}

export interface DevSetupResult {
  readonly parts: PartOutcome[];
  readonly url: string;
}

function load(configDir: string, missingSecrets: 'error' | 'allow', processEnv: DevSetupOptions['processEnv']): Config {
  const { config, errors } = loadConfig({ environment: LOCAL, configDir, missingSecrets, ...(processEnv ? { processEnv } : {}) });
  if (!config) throw new ConfigError(errors);
  return config;
}

const neededSecrets = (config: Config) => [...config.secrets, ...config.deploySecrets];


/** The source dev:setup deploys: config.source, as `pnpm deploy:env --env local` would ship it. */
function sourceDir(config: Config): string {
  if (config.source.type !== 'path') throw new UsageError(`${config.paths.configFile}: source: expected a "path" source for the local environment, got "${config.source.type}"`);
  return isAbsolute(config.source.path) ? config.source.path : resolve(config.paths.projectRoot, config.source.path);
}

/** Runs one part, timing it; `run` says what it did, or that there was nothing to do. */
async function part(parts: PartOutcome[], out: DevSetupOptions['out'], name: string, run: () => Promise<Omit<PartOutcome, 'name' | 'ms'>>): Promise<void> {
  out(`▸ ${name}`);
  const started = performance.now();
  const outcome = await run().catch((error: unknown) => {
    out(`  ✗ ${((performance.now() - started) / 1000).toFixed(2)} s`);
    throw error;
  });
  const ms = performance.now() - started;
  out(`  ✓ ${(ms / 1000).toFixed(2)} s: ${outcome.outcome === 'unchanged' ? 'unchanged, ' : ''}${outcome.detail}`);
  parts.push({ name, ms, ...outcome });
}

/**
 * `pnpm dev:setup`: from a fresh clone to the local environment running and answering, each part
 * timed: the prerequisites (installed when it can), the secrets in .env.local, the database (the
 * embedded one started, or PostgreSQL's database created), a deploy of the local environment (which
 * migrates it) unless the live colour already runs this source and is healthy, the seed data once,
 * and a last health check. A second run on a working setup changes nothing and says so.
 */
export async function devSetup(options: DevSetupOptions): Promise<DevSetupResult> {
  const { out } = options;
  const processEnv = options.processEnv ?? process.env;
  const parts: PartOutcome[] = [];
  let config = load(options.configDir, 'allow', processEnv);

  await part(parts, out, 'prerequisites', async () => {
    const { findings, installed, missing } = await ensurePrerequisites(config, { install: true, out: (line) => out(`  ${line}`), env: { ...processEnv } });
    if (missing.length > 0) throw new SwitchyardError(checkLines(missing).join('\n'), 1);
    const found = findings.filter((finding) => !finding.info).map((finding) => `${finding.name} ${finding.detail}`);
    return installed.length > 0 ? { outcome: 'changed', detail: `installed ${installed.join(', ')}; ${found.join(', ')}` } : { outcome: 'unchanged', detail: found.join(', ') };
  });

  await part(parts, out, 'secrets', async () => {
    const secrets = await setUpSecrets({ projectRoot: config.paths.projectRoot, environment: LOCAL, needed: neededSecrets(config), processEnv, mode: options.secrets, ...(options.ask ? { ask: options.ask } : {}) });
    const fixed = secrets.modeFixedFrom === undefined ? '' : `; its mode narrowed from ${secrets.modeFixedFrom.toString(8).padStart(4, '0')} to 0600`;
    if (secrets.written.length > 0) return { outcome: 'changed', detail: `wrote ${secrets.written.join(', ')} to ${secrets.file} (0600)${fixed}` };
    return { outcome: fixed ? 'changed' : 'unchanged', detail: `${secrets.alreadySet.length > 0 ? `${secrets.alreadySet.join(', ')} already set` : 'none needed'}${fixed}` };
  });
  config = load(options.configDir, 'error', processEnv);

  if (hasDatabase(config)) await part(parts, out, 'database', () => ensureDatabase(config));

  await part(parts, out, 'deploy', async () => {
    const dir = sourceDir(config);
    const source = describeSourceTree(dir, config.build.lockfile);
    const before = await readStatus(config);
    const live = before.colors.find((color) => color.live);
    if (before.nginx === 'running' && live?.health === 'healthy' && live.sha === source.sha && source.uncommitted.length === 0)
      return { outcome: 'unchanged', detail: `release ${live.releaseId} of this source is live on ${live.color} and healthy` };
    const deployId = newDeployId();
    await deployCommand({
      config,
      out: textReporter((line) => out(`    ${line}`)),
      deployId,
      argv: ['dev:setup'],
      dryRun: false,
      switch: true,
      allowDirty: false,
      releaseId: (sha, dirty) => releaseIdFor(new Date(), sha, dirty),
    });
    const after = (await readStatus(config)).colors.find((color) => color.live);
    return { outcome: 'changed', detail: `release ${after?.releaseId ?? '?'} live on ${after?.color ?? '?'}` };
  });

  const seed = config.migrations?.seed;
  if (seed) {
    await part(parts, out, 'seed', async () => {
      const live = (await readStatus(config)).colors.find((color) => color.live);
      if (!live) throw new SwitchyardError('no colour is live after the deploy: nothing to seed from', 1);
      const seeded = await seedDatabase(config, serverLayout(config).colorLink(live.color));
      return seeded.loaded
        ? { outcome: 'changed', detail: `loaded ${seeded.file} (${seeded.statements} statement(s)) in ${(seeded.ms / 1000).toFixed(2)} s` }
        : { outcome: 'unchanged', detail: `${seeded.file} was loaded at ${seeded.seededAt}` };
    });
  }

  await part(parts, out, 'health', async () => {
    const status = await readStatus(config);
    const live = status.colors.find((color) => color.live);
    if (status.nginx !== 'running' || live?.health !== 'healthy')
      throw new SwitchyardError(`the local environment is not healthy: nginx ${status.nginx}, live colour ${live ? `${live.color} ${live.health}` : 'none'}; pnpm status --env local says more`, 1);
    return { outcome: 'unchanged', detail: `${live.color} healthy through nginx at ${status.url}` };
  });

  return { parts, url: publicUrl(config) };
}

/**
 * `pnpm dev:setup --check`: what is missing or broken, one line per problem, changing nothing:
 * the prerequisites, the secrets, then what runs (nginx, the live colour, the embedded database).
 */
export async function devSetupCheck(options: Pick<DevSetupOptions, 'configDir' | 'processEnv'>): Promise<string[]> {
  const processEnv = options.processEnv ?? process.env;
  // What runs is read without the secrets: a missing one is a problem of its own, not a reason to look no further.
  const config = load(options.configDir, 'allow', processEnv);
  const findings = await checkPrerequisites(config, { env: { ...processEnv } });
  const problems = checkLines(findings.filter((finding) => !finding.ok));
  const secrets = await setUpSecrets({ projectRoot: config.paths.projectRoot, environment: LOCAL, needed: neededSecrets(config), processEnv, mode: 'check' });
  problems.push(...secrets.problems);

  const status = await readStatus(config);
  if (status.nginx !== 'running') problems.push(`nginx: not running (${status.url} answers nothing); pnpm dev:setup starts it`);
  const live = status.colors.find((color) => color.live);
  if (!live) problems.push('app: never deployed here; pnpm dev:setup deploys it');
  else if (live.health !== 'healthy') problems.push(`app: the live colour ${live.color} is ${live.health}; pnpm dev:setup deploys it again`);
  const database = await databaseProblem(config);
  if (database) problems.push(database);
  return problems;
}
