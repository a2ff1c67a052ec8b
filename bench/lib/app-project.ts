import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, deepMerge } from '@switchyard/config';
import { loadConfig } from '@switchyard/config/validation';
import { processesUnder } from '@switchyard/demo';
import { stopEverything } from '@switchyard/deploy';
import { type TimedChild, timeChild } from './child';

/*
 * A throwaway Switchyard project for an app that is not the sample (the small part of
 * test/support/deploy-project.ts the benchmarks need; bench code does not import from test/):
 * config/ made of the given base.json and the repository's local.json moved under `dir`, a private
 * nginx on its own loopback port, plain processes, the commands run as `pnpm <script>` runs them.
 */

type Json = Record<string, unknown>;

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Json;

export interface AppProjectOptions {
  repo: string;
  /** Everything the project creates lives here; stopped and removed first. */
  dir: string;
  /** nginx's port on 127.0.0.1. */
  port: number;
  /** config/base.json (`$schema` added). */
  base: Json;
  /** Deep-merged into config/local.json after the benchmark's own settings. */
  local: Json;
  /** Written to <dir>/.env (mode 0600), where the config loader looks for secrets. */
  secrets?: Record<string, string>;
}

export interface AppProject {
  dir: string;
  configDir: string;
  port: number;
  /** `node dist/commands/<name>.mjs --env local --config-dir <configDir> …`, timed from spawn to exit. */
  run(name: string, args?: readonly string[], timeoutMs?: number): Promise<TimedChild>;
  deploy(source: string, args?: readonly string[], timeoutMs?: number): Promise<TimedChild>;
  /** Stops both colours, nginx and anything else still running under dir; never throws. */
  stop(): Promise<void>;
}

const COMMAND_TIMEOUT_MS = 120_000;

export async function createAppProject(options: AppProjectOptions): Promise<AppProject> {
  const { dir, port, repo } = options;
  await stopUnder(dir);
  rmSync(dir, { recursive: true, force: true });
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  // nginx's workers (nobody, when the master is root) must reach the sockets under dir.
  chmodSync(dir, 0o755);
  writeFileSync(join(configDir, 'base.json'), `${JSON.stringify({ $schema: './schema.base.json', ...options.base }, null, 2)}\n`);
  for (const schema of ['schema.json', 'schema.base.json']) writeFileSync(join(configDir, schema), readFileSync(join(repo, 'config', schema)));
  const local = deepMerge(
    deepMerge(readJson(join(repo, 'config/local.json')), {
      server: { type: 'local', root: join(dir, 'srv') },
      nginx: { listen: { address: '127.0.0.1', port } },
      supervisor: 'plain',
      assets: { type: 'local', directory: join(dir, 'assets') },
    }),
    options.local,
  );
  writeFileSync(join(configDir, 'local.json'), `${JSON.stringify(local, null, 2)}\n`);
  if (options.secrets)
    writeFileSync(join(dir, '.env'), Object.entries(options.secrets).map(([name, value]) => `${name}=${value}\n`).join(''), { mode: 0o600 });

  const flags = ['--env', 'local', '--config-dir', configDir];
  const run = (name: string, args: readonly string[] = [], timeoutMs = COMMAND_TIMEOUT_MS) =>
    timeChild(process.execPath, [join(repo, 'dist/commands', `${name}.mjs`), ...flags, ...args], { cwd: repo, timeoutMs });
  return {
    dir,
    configDir,
    port,
    run,
    deploy: (source, args = [], timeoutMs) => run('deploy', ['--source', source, ...args], timeoutMs),
    stop: () => stopUnder(dir),
  };
}

/** Stops what a project under dir runs (or an earlier, interrupted run left there), if anything. */
async function stopUnder(dir: string): Promise<void> {
  const { config } = loadConfig({ environment: 'local', configDir: join(dir, 'config') });
  if (config) await stopQuietly(config);
  killProcessesUnder(dir);
}

async function stopQuietly(config: Config): Promise<void> {
  try {
    await stopEverything(config);
  } catch (error) {
    console.error(`cleanup: ${(error as Error).message}`);
  }
}

/**
 * What stopEverything may miss (a command killed half-way through starting a colour, a gunicorn
 * worker): every process whose command line names dir or whose working directory is under it.
 */
export function killProcessesUnder(dir: string): void {
  for (const pid of processesUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
}
