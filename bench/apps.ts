// pnpm bench:apps [--quick] [--root DIR] [--only apps|front]
//
// The figures of issue 7, measured on this machine and printed beside their targets:
//   1. Ordinary apps (examples/django-site under Debian's gunicorn, test/fixtures/apps/express-app),
//      the matrix of test/ordinary-apps.test.ts: each deployed once, then 10 deploys and 10
//      switches (--quick: 4 and 4) under wrk, 32 GET + 32 POST connections. Requests, failures,
//      the drain's wait (from the deploys' "nginx had no connection left to X after N s" notes)
//      and the full deploy's wall time. Target: not one failed request.
//   2. The extra hop of a port-only app: wrk straight to the app's port through nginx, and through
//      the colour's nginx front (run/<colour>.sock) as Switchyard renders it, in turn.
// Everything runs on 127.0.0.1 (nginx 18300+, colours 18400+ / 18500+), plain processes, under
// --root; everything started is stopped at the end, on failure and on Ctrl-C. Not a timed test:
// it exits 0 with MISS lines; 1 if the benchmark itself broke (a first deploy or a set-up failed).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failedRequests, formatTable, type LoadResult } from '@switchyard/demo';
import { type CommandRun, CONNECTIONS, type Drain, drainsIn, type LoadPaths, type OperationsRun, operationsUnderLoad } from './lib/app-ops';
import { createAppProject } from './lib/app-project';
import { benchArgs } from './lib/args';
import { cleanUpOnSignals, onCleanup, runCleanups } from './lib/cleanup';
import { portFrontBench, type PortFrontRun, type Route } from './lib/port-front';
import { fixed, median, sec } from './lib/stats';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const EXPRESS = join(REPO, 'test/fixtures/apps/express-app');
const DJANGO = join(REPO, 'examples/django-site');

const PORTS = { nginx: 18300, blue: 18400, green: 18500 };
/** The micro-benchmark's: nginx's two servers and the app (past the matrix's 18300–18308). */
const FRONT_PORTS = { direct: 18320, front: 18321, app: 18420 };

const USAGE = `usage: pnpm bench:apps [--quick] [--root DIR] [--only apps|front]
Measures issue 7's figures on this machine (see bench/README.md); --quick is a short smoke run.`;

const options = {
  quick: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  root: { type: 'string', default: '/tmp/switchyard-bench-apps' },
  only: { type: 'string' },
} as const;

const args = benchArgs({ options, strict: true, allowPositionals: false }, USAGE);
if (args.only !== undefined && args.only !== 'apps' && args.only !== 'front') {
  console.error(`--only: expected apps or front\n${USAGE}`);
  process.exit(2);
}
const quick = args.quick === true;
const root = String(args.root);
const parts = { apps: args.only !== 'front', front: args.only !== 'apps' };

const plan = quick
  ? { deploys: 4, switches: 4, maxLoadSec: 240, front: { seconds: 3, rounds: 2 } }
  : { deploys: 10, switches: 10, maxLoadSec: 480, front: { seconds: 10, rounds: 2 } };

const print = (line = '') => console.log(line);
const table = (header: string[], rows: (string | number)[][]) => formatTable(header, rows).forEach((line) => print(`  ${line}`));
const phase = (title: string) => print(`\n== ${title}  (load average ${fixed(loadavg()[0] ?? 0)})`);

type Json = Record<string, unknown>;
type Listen = 'socket' | 'port';

interface AppCase {
  app: string;
  /** A short name for its directory under --root. */
  slug: string;
  source: string;
  listen: Listen;
  /** The test runs some cases under systemd; the benchmark runs every one as plain processes. */
  testSupervisor: 'plain' | 'systemd';
  config: Json;
  paths: LoadPaths;
  secrets?: Record<string, string>;
}

// The matrix of test/ordinary-apps.test.ts, in its order, with the same configs.
const npmInstall = { install: ['npm', 'ci', '--omit=dev', '--no-audit', '--no-fund'], lockfile: 'package-lock.json' };
const healthChecks = { path: '/health', expectText: 'ok', checks: [{ name: 'db', path: '/health/db' }, { name: 'cache', path: '/health/cache' }] };
const expressPaths: LoadPaths = { get: '/api/products', post: '/api/orders', postBody: '{"items":[{"productId":1,"quantity":2}]}' };
const GTHREAD = ['--worker-class', 'gthread', '--workers', '2', '--threads', '4'];
const SYNC = ['--workers', '3'];

function django(workers: string[], listen: Listen, testSupervisor: AppCase['testSupervisor']): AppCase {
  const kind = workers.includes('gthread') ? 'gthread' : 'sync';
  const bind = listen === 'socket' ? 'unix:${SOCKET_PATH}' : '${HOST}:${PORT}';
  return {
    app: `Django, gunicorn ${kind}`,
    slug: `django-${kind}-${listen}`,
    source: DJANGO,
    listen,
    testSupervisor,
    config: {
      build: { build: ['/usr/bin/python3', 'manage.py', 'migrate', '--noinput'] },
      start: { command: ['/usr/bin/gunicorn', '--bind', bind, ...workers, 'mysite.wsgi'] },
      shared: { dirs: ['data'] },
      secrets: ['DJANGO_SECRET_KEY'],
    },
    secrets: { DJANGO_SECRET_KEY: 'a-bench-key-for-the-django-example-site-0123456789' },
    paths: { get: '/api/products', post: '/api/orders', postBody: '{"items":[1,2]}' },
  };
}

function express(app: string, slug: string, script: string, listen: Listen, testSupervisor: AppCase['testSupervisor'], extra: Partial<AppCase> = {}): AppCase {
  return {
    app,
    slug,
    source: EXPRESS,
    listen,
    testSupervisor,
    config: { build: npmInstall, start: { command: ['node', script] }, ...extra.config },
    paths: extra.paths ?? expressPaths,
  };
}

const CASES: AppCase[] = [
  django(GTHREAD, 'socket', 'systemd'),
  django(GTHREAD, 'port', 'plain'),
  django(SYNC, 'socket', 'plain'),
  django(SYNC, 'port', 'systemd'),
  express('Express, no SIGTERM handler', 'express-socket', 'server.js', 'socket', 'plain'),
  express('Express, server.close() on SIGTERM', 'express-close-socket', 'server-close.js', 'socket', 'systemd'),
  express('Express, no SIGTERM handler', 'express-port', 'server.js', 'port', 'systemd'),
  express('Express, listening on a port only', 'express-port-only', 'server-port.js', 'port', 'plain'),
  express('Express, orders in a data file', 'express-data-socket', 'server-data.js', 'socket', 'systemd', {
    config: { shared: { dirs: ['data'] } },
    paths: { get: '/api/products', post: '/api/ledger', postBody: '{"items":[{"productId":1,"quantity":2}]}' },
  }),
];

interface CaseResult {
  app: AppCase;
  /** Set when the case could not be measured: the benchmark broke there. */
  broken?: string;
  firstDeployMs?: number;
  run?: OperationsRun;
  drains: Drain[];
  seconds: number;
}

async function measureCase(app: AppCase, index: number): Promise<CaseResult> {
  const started = performance.now();
  const port = PORTS.nginx + index;
  const listen = app.listen === 'port' ? { type: 'port', address: '127.0.0.1', blue: PORTS.blue + index, green: PORTS.green + index } : { type: 'socket' };
  phase(`${index + 1}/${CASES.length} ${app.app}, ${app.listen === 'port' ? `port (nginx ${port}, colours ${PORTS.blue + index}/${PORTS.green + index})` : `socket (nginx ${port})`}`);
  const project = await createAppProject({
    repo: REPO,
    dir: join(root, app.slug),
    port,
    base: { app: 'shop', health: healthChecks },
    local: {
      ...app.config,
      source: { type: 'path', path: app.source },
      start: { ...(app.config.start as Json), listen },
      // As the test: nginx.drainMs at its default, the bound the drains must not reach.
      nginx: { drainMs: 5000, upstreamKeepaliveMs: 500 },
      health: { timeoutMs: 30_000, intervalMs: 100, requestTimeoutMs: 1000 },
      systemd: { stopTimeoutSec: 10 },
    },
    ...(app.secrets ? { secrets: app.secrets } : {}),
  });
  const dropProject = onCleanup(project.stop, { repeatOnSignal: true });
  const result: CaseResult = { app, drains: [], seconds: 0 };
  try {
    print('  first deploy (no load)…');
    const first = await project.deploy(app.source, [], 300_000);
    result.firstDeployMs = first.ms;
    if (first.code !== 0) {
      result.broken = `the first deploy exited ${first.code}`;
      print(`  ${result.broken}:\n${first.output.trimEnd().split('\n').slice(-25).map((l) => `    ${l}`).join('\n')}`);
      return result;
    }
    print(`    ${sec(first.ms)} s`);
    print(`  under load (${CONNECTIONS} GET + ${CONNECTIONS} POST connections): ${plan.deploys} deploys, ${plan.switches} switches…`);
    const run = await operationsUnderLoad(project, app.source, app.paths, plan, plan.maxLoadSec, print);
    result.run = run;
    // Each command's whole output, for a closer look at its steps.
    const log = [{ name: 'first deploy', ms: first.ms, code: first.code, output: first.output }, ...run.commands];
    writeFileSync(join(project.dir, 'commands.log'), log.map((c) => `=== ${c.name}: exit ${c.code}, ${sec(c.ms)} s\n${c.output}`).join('\n'));
    result.drains = run.commands.flatMap((c) => drainsIn(c.output));
    print(`    ${describeLoad('GET', run.get)}; ${describeLoad('POST', run.post)}`);
    print(`    ${run.commands.filter((c) => c.code === 0).length}/${run.planned} commands ok; drains ${result.drains.map((d) => `${d.seconds.toFixed(2)}${d.left ? `(${d.left} left)` : ''}`).join(' ')} s`);
  } catch (error) {
    result.broken = (error as Error).message.split('\n').slice(0, 6).join(' / ');
    print(`  broke: ${(error as Error).stack ?? String(error)}`);
  } finally {
    await project.stop();
    dropProject();
    result.seconds = (performance.now() - started) / 1000;
  }
  return result;
}

/** "GET 41,230 requests, 0 failed (non-2xx 0, connect/read/write/timeout 0/0/0/0)". */
function describeLoad(method: string, r: LoadResult): string {
  const e = r.socketErrors;
  return `${method} ${r.requests.toLocaleString('en-US')} requests, ${failedRequests(r)} failed (non-2xx ${r.non2xx}, c/r/w/t ${e.connect}/${e.read}/${e.write}/${e.timeout})`;
}

const fullDeploys = (commands: readonly CommandRun[]) => commands.filter((c) => c.kind === 'deploy' && c.code === 0);

interface Verdict {
  pass: boolean;
  line: string;
}

function caseVerdict(r: CaseResult): Verdict {
  const name = `${r.app.app} (${r.app.listen})`;
  if (r.broken || !r.run) return { pass: false, line: `BROKE  ${name}: ${r.broken ?? 'not measured'}` };
  const failed = failedRequests(r.run.get) + failedRequests(r.run.post);
  const ok = r.run.commands.filter((c) => c.code === 0).length;
  const notes = [
    ...(r.run.failed ? [`${r.run.failed.name} failed (exit ${r.run.failed.code}), ${ok}/${r.run.planned} commands ran ok`] : []),
    ...(r.run.loadEndedEarly ? [`wrk's -d bound (${plan.maxLoadSec} s) ended the load before the commands were done`] : []),
  ];
  const atLimit = r.drains.filter((d) => d.left > 0).length;
  const info = atLimit > 0 ? `; ${atLimit} drain(s) reached nginx.drainMs` : '';
  const pass = failed === 0 && !r.run.failed && !r.run.loadEndedEarly;
  return { pass, line: `${pass ? 'PASS' : 'MISS'}  ${name}: ${failed} failed request(s) (target 0)${notes.length ? `; ${notes.join('; ')}` : ''}${info}` };
}

function printCases(results: CaseResult[]) {
  print(`\nOrdinary apps under load: ${CONNECTIONS} GET + ${CONNECTIONS} POST connections, ${plan.deploys} deploys + ${plan.switches} switches each`);
  print('  (odd deploys switch, drain and stop the old colour; even ones --no-switch, then two switches; nginx.drainMs 5 s)');
  print('  supervisor: plain processes for every case here (the test runs some under a systemd user manager: shown in brackets)');
  table(
    ['app', 'listen', 'supervisor', 'cmds ok', 'GET req', 'POST req', 'non-2xx', 'c/r/w/t', 'drains', 'drain med s', 'drain max s', 'at limit', 'full deploy med s', 'failed', 'target', ''],
    results.map((r) => {
      const supervisor = `plain${r.app.testSupervisor === 'systemd' ? ' (test: systemd)' : ''}`;
      if (!r.run) return [r.app.app, r.app.listen, supervisor, 'BROKE', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '0', 'BROKE'];
      const { get, post } = r.run;
      const e = (k: keyof LoadResult['socketErrors']) => get.socketErrors[k] + post.socketErrors[k];
      const failed = failedRequests(get) + failedRequests(post);
      const seconds = r.drains.map((d) => d.seconds);
      return [
        r.app.app,
        r.app.listen,
        supervisor,
        `${r.run.commands.filter((c) => c.code === 0).length}/${r.run.planned}`,
        get.requests,
        post.requests,
        get.non2xx + post.non2xx,
        `${e('connect')}/${e('read')}/${e('write')}/${e('timeout')}`,
        r.drains.length,
        fixed(median(seconds)),
        fixed(seconds.length ? Math.max(...seconds) : Number.NaN),
        r.drains.filter((d) => d.left > 0).length,
        sec(median(fullDeploys(r.run.commands).map((c) => c.ms))),
        failed,
        '0',
        caseVerdict(r).pass ? 'PASS' : 'MISS',
      ];
    }),
  );
  print('\n  req/s and commands (medians, s)');
  table(
    ['app', 'listen', 'load s', 'GET req/s', 'POST req/s', 'GET p99 ms', 'POST p99 ms', 'first deploy s', 'deploy --no-switch s', 'switch s', 'case s'],
    results.map((r) => {
      if (!r.run) return [r.app.app, r.app.listen, '-', '-', '-', '-', '-', r.firstDeployMs === undefined ? '-' : sec(r.firstDeployMs), '-', '-', fixed(r.seconds, 0)];
      const { get, post, commands } = r.run;
      const ok = (kind: CommandRun['kind']) => commands.filter((c) => c.kind === kind && c.code === 0).map((c) => c.ms);
      return [
        r.app.app,
        r.app.listen,
        fixed(get.durationSec, 1),
        Math.round(get.requests / get.durationSec),
        Math.round(post.requests / post.durationSec),
        fixed(get.latencyMs.p99, 1),
        fixed(post.latencyMs.p99, 1),
        r.firstDeployMs === undefined ? '-' : sec(r.firstDeployMs),
        sec(median(ok('deploy --no-switch'))),
        sec(median(ok('switch'))),
        fixed(r.seconds, 0),
      ];
    }),
  );
}

const perSec = (l: LoadResult) => l.requests / l.durationSec;
const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);

function printFront(runs: PortFrontRun[]): Verdict[] {
  print(`\nPort-only app: the nginx front's extra hop (express-app server-port.js, wrk GET /api/products, 64 connections, ${plan.front.seconds} s per run)`);
  table(
    ['route', 'round', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'failed'],
    runs.map((r) => [
      r.route === 'direct' ? 'nginx → port' : 'nginx → front (unix socket) → port',
      r.round,
      r.load.requests,
      Math.round(perSec(r.load)),
      fixed(r.load.latencyMs.p50),
      fixed(r.load.latencyMs.p99),
      fixed(r.load.latencyMs.max, 1),
      failedRequests(r.load),
    ]),
  );
  const of = (route: Route) => runs.filter((r) => r.route === route).map((r) => r.load);
  const figures = (route: Route) => ({
    rps: mean(of(route).map(perSec)),
    p50: mean(of(route).map((l) => l.latencyMs.p50)),
    p99: mean(of(route).map((l) => l.latencyMs.p99)),
    failed: of(route).reduce((sum, l) => sum + failedRequests(l), 0),
  });
  const direct = figures('direct');
  const front = figures('front');
  const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${fixed(((b - a) / a) * 100, 1)} %`;
  const ms = (a: number, b: number) => `${b >= a ? '+' : ''}${fixed(b - a)} ms`;
  print('\n  means of the rounds');
  table(
    ['', 'req/s', 'p50 ms', 'p99 ms'],
    [
      ['nginx → port', Math.round(direct.rps), fixed(direct.p50), fixed(direct.p99)],
      ['nginx → front → port', Math.round(front.rps), fixed(front.p50), fixed(front.p99)],
      ['front − direct', pct(direct.rps, front.rps), ms(direct.p50, front.p50), ms(direct.p99, front.p99)],
    ],
  );
  const failed = direct.failed + front.failed;
  return [
    {
      pass: true,
      line: `info  the front's extra hop: req/s ${pct(direct.rps, front.rps)}, p50 ${ms(direct.p50, front.p50)}, p99 ${ms(direct.p99, front.p99)} (no target)`,
    },
    { pass: failed === 0, line: `${failed === 0 ? 'PASS' : 'MISS'}  port front micro-benchmark: ${failed} failed request(s) (target 0)` },
  ];
}

cleanUpOnSignals();
const started = performance.now();
print(`bench:apps${quick ? ' --quick' : ''}: ${cpus().length} CPUs, Node ${process.version}, root ${root}`);
let exitCode = 0;
try {
  const verdicts: Verdict[] = [];
  const results: CaseResult[] = [];
  if (parts.apps) for (const [i, app] of CASES.entries()) results.push(await measureCase(app, i));
  let front: PortFrontRun[] = [];
  if (parts.front) {
    phase("the nginx front's extra hop for port-only apps (micro-benchmark)");
    front = await portFrontBench({
      repo: REPO,
      dir: join(root, 'port-front'),
      ports: FRONT_PORTS,
      connections: 64,
      threads: 2,
      seconds: plan.front.seconds,
      rounds: plan.front.rounds,
      print,
      phase,
    });
  }
  print(`\n== results  (load average ${fixed(loadavg()[0] ?? 0)})`);
  if (parts.apps) {
    printCases(results);
    verdicts.push(...results.map(caseVerdict));
  }
  if (parts.front) verdicts.push(...printFront(front));
  print('');
  verdicts.forEach((v) => print(v.line));
  if (results.some((r) => r.broken)) exitCode = 1;
  print(`\nbench:apps finished in ${sec(performance.now() - started)} s`);
} catch (error) {
  console.error(`\nbench:apps failed: ${(error as Error).stack ?? String(error)}`);
  exitCode = 1;
} finally {
  await runCleanups();
}
process.exit(exitCode);
