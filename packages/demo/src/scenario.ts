import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeRelease } from '@switchyard/catalog-app/make-release.mjs';
import { ConfigError } from '@switchyard/config';
import { loadConfig } from '@switchyard/config/validation';
import {
  type CommandOptions,
  DeployFailed,
  deployCommand,
  newDeployId,
  releaseIdFor,
  rollbackCommand,
  stopEverything,
  switchCommand,
  textReporter,
} from '@switchyard/deploy';
import { CANARY_COOKIE } from '@switchyard/templates';
import { writeDemoConfig } from './demo-config';
import { appliedMigrations, writeDemoMigrations } from './demo-migrations';
import { type AssetAnswers, formatAnswers, pageStylesheet, probeAssets } from './asset-probe';
import { sampleColors } from './probe';
import { formatTable } from './table';
import { teardown } from './teardown';
import { failedRequests, type LoadResult, startLoad } from './wrk';

export interface DemoOptions {
  projectConfigDir: string;
  root: string;
  port: number;
  print: (line: string) => void;
  /** Leave the app and nginx running at the end. */
  keep: boolean;
}

interface Timed {
  step: string;
  seconds: number;
  outcome: string;
}

const LOAD_LIMIT_SEC = 180;

/**
 * The whole story on one machine, under load: deploy v1, then with GET and POST load running,
 * deploy v2 beside it (an expand migration), a 10% canary, the switch (with v1's and v2's
 * published stylesheets both asked for throughout), a rollback, the switch
 * again, a broken v3 that the health gate refuses, v4 whose contract migration waits while v2 is
 * kept warm, and v5, which runs it once v2 has stopped. Returns whether every request succeeded.
 */
export async function runDemo(options: DemoOptions): Promise<boolean> {
  const { print, root, port } = options;
  await teardown(root);
  rmSync(root, { recursive: true, force: true });
  const versions = {
    v1: await makeRelease({ version: '1.0.0', destDir: join(root, 'src/v1') }),
    v2: await makeRelease({ version: '2.0.0', destDir: join(root, 'src/v2') }),
    v3: await makeRelease({ version: '3.0.0', destDir: join(root, 'src/v3'), broken: true }),
    v4: await makeRelease({ version: '4.0.0', destDir: join(root, 'src/v4') }),
    v5: await makeRelease({ version: '5.0.0', destDir: join(root, 'src/v5') }),
  };
  writeDemoMigrations(versions.v1, 'v1');
  for (const version of [versions.v2, versions.v3]) writeDemoMigrations(version, 'v2');
  for (const version of [versions.v4, versions.v5]) writeDemoMigrations(version, 'v4');
  const configDir = writeDemoConfig({ projectConfigDir: options.projectConfigDir, root, port, source: versions.v1 });
  const { config, errors } = loadConfig({ environment: 'local', configDir });
  if (!config) throw new ConfigError(errors);

  const timeline: Timed[] = [];
  const indent = (line: string) => print(`    ${line}`);
  // Which step each deploy id belongs to: the migrations table names the step that ran each one.
  const stepOf = new Map<string, string>();
  let current = '';
  const common = (): CommandOptions => {
    const deployId = newDeployId();
    stepOf.set(deployId, current);
    return { config, out: textReporter(indent), deployId, argv: ['demo'], dryRun: false };
  };
  const step = async (name: string, run: () => Promise<void>, expectFailure = false) => {
    current = name;
    print(`\n▶ ${name}`);
    const started = performance.now();
    let outcome = 'ok';
    try {
      await run();
      if (expectFailure) outcome = 'NOT REFUSED';
    } catch (error) {
      if (!(expectFailure && error instanceof DeployFailed)) throw error;
      indent(`refused, as it should be: ${error.message.split('\n')[0]}`);
      outcome = 'refused (expected)';
    }
    timeline.push({ step: name, seconds: (performance.now() - started) / 1000, outcome });
  };
  const deploy = (source: string, doSwitch = true) => () =>
    deployCommand({ ...common(), source, switch: doSwitch, allowDirty: false, releaseId: (sha, dirty) => releaseIdFor(new Date(), sha, dirty) });

  await step('Deploy v1', deploy(versions.v1));
  const stagingHeader = config.nginx.staging?.header ?? 'X-Switchyard-Staging';
  const url = `http://127.0.0.1:${port}`;
  print(`\nLoad: GET ${url}/api/products (48 connections) and POST ${url}/api/orders (16 connections), until the end`);
  const gets = startLoad({ url: `${url}/api/products`, method: 'GET', connections: 48, threads: 1, maxDurationSec: LOAD_LIMIT_SEC, randomCanaryCookie: CANARY_COOKIE });
  const posts = startLoad({
    url: `${url}/api/orders`,
    method: 'POST',
    body: JSON.stringify({ productId: 1, quantity: 1 }),
    connections: 16,
    threads: 1,
    maxDurationSec: LOAD_LIMIT_SEC,
  });
  let results: [LoadResult, LoadResult] | undefined;
  let assetAnswers: AssetAnswers = new Map();
  try {
    await step('Deploy v2 beside v1 (--no-switch)', deploy(versions.v2, false));
    await step('Canary: 10% of clients to v2', () => switchCommand({ ...common(), weight: 10 }));
    const sample = await sampleColors(port, 400, CANARY_COOKIE);
    indent(`400 fresh clients were served by: ${Object.entries(sample).map(([c, n]) => `${c} ${n}`).join(', ')}`);
    // Pages of v1 already in browsers ask for v1's stylesheet while v2's pages ask for v2's.
    const stylesheets = [await pageStylesheet(port), await pageStylesheet(port, { [stagingHeader]: '1' })];
    const assetsDuringSwitch = probeAssets(port, stylesheets);
    await step('Switch: all traffic to v2', () => switchCommand({ ...common(), weight: 100 }));
    assetAnswers = await assetsDuringSwitch.stop();
    for (const [url, seen] of assetAnswers) indent(`${url === stylesheets[0] ? "v1's" : "v2's"} stylesheet ${url}: ${formatAnswers(seen)}`);
    await step('Roll back to v1 (still warm)', () => rollbackCommand({ ...common(), migrations: false }));
    await step('Switch to v2 again', () => switchCommand({ ...common() }));
    await step('Deploy broken v3: the health gate must refuse it', deploy(versions.v3), true);
    await step('Deploy v4: drops a column v2 reads (contract: waits, v2 is kept warm)', deploy(versions.v4));
    await step("Deploy v5: v4's contract migration runs once v2 has stopped", deploy(versions.v5));
    await new Promise((resolve) => setTimeout(resolve, 1000));
  } finally {
    results = [await gets.stop(), await posts.stop()];
    if (!options.keep) await stopEverything(config);
  }
  const migrations = (await appliedMigrations(config)).map((m): Ran => ({ name: m.name, phase: m.phase, step: (m.deploy_id && stepOf.get(m.deploy_id)) ?? '-', ms: m.duration_ms ?? 0 }));
  return report(options, timeline, migrations, results, assetAnswers);
}

interface Ran {
  name: string;
  phase: string;
  step: string;
  ms: number;
}

function report(options: DemoOptions, timeline: Timed[], migrations: Ran[], [gets, posts]: [LoadResult, LoadResult], assets: AssetAnswers): boolean {
  const { print } = options;
  print('\nSteps');
  for (const line of formatTable(['step', 'seconds', 'outcome'], timeline.map((t) => [t.step, t.seconds.toFixed(2), t.outcome]))) print(`  ${line}`);
  print('\nMigrations (embedded PGlite): expand before the new colour starts, contract once no colour runs the old code');
  for (const line of formatTable(['migration', 'phase', 'ran during', 'ms'], migrations.map((m) => [m.name, m.phase, m.step, m.ms]))) print(`  ${line}`);
  print('\nRequests under load');
  const row = (name: string, r: LoadResult) => [
    name,
    r.requests,
    Math.round(r.requests / r.durationSec),
    r.non2xx,
    r.socketErrors.connect,
    r.socketErrors.read,
    r.socketErrors.write,
    r.socketErrors.timeout,
    r.colors.blue ?? 0,
    r.colors.green ?? 0,
    r.latencyMs.p99.toFixed(1),
  ];
  const header = ['load', 'requests', 'req/s', 'non-2xx', 'connect err', 'read err', 'write err', 'timeouts', 'blue', 'green', 'p99 ms'];
  for (const line of formatTable(header, [row('GET', gets), row('POST', posts)])) print(`  ${line}`);
  const failed = failedRequests(gets) + failedRequests(posts);
  const refused = timeline.some((t) => t.outcome === 'refused (expected)') && !timeline.some((t) => t.outcome === 'NOT REFUSED');
  print('');
  // Every switch and the canary only rename links (no nginx reload), so no client connection is cut.
  print(failed === 0 ? '✓ 0 failed requests: no non-2xx answer, no connect, read, write or timeout error' : `✗ ${failed} failed requests`);
  if (!refused) print('✗ the broken release was not refused');
  const assetsAnswered = assets.size === 2 && [...assets.values()].every((seen) => seen.size === 1 && seen.has(200));
  print(assetsAnswered ? "✓ v1's and v2's stylesheets both answered 200 throughout the switch" : "✗ v1's or v2's stylesheet did not answer 200 throughout the switch");
  print(
    options.keep
      ? `The app is still running at http://127.0.0.1:${options.port}; try: pnpm status --config-dir ${options.root}/config`
      : 'Everything the demo started is stopped (--keep leaves it running).',
  );
  return failed === 0 && refused && assetsAnswered;
}
