// pnpm bench:switch [--quick] [--root DIR] [--drain-grace-ms N --upstream-keepalive-ms N]
//
// The figures of issue 4, measured on this machine and printed side by side with their targets:
//   1. Under constant load (wrk, 64 connections; GET /api/products, then POST /api/orders): 20
//      deploys and 2 rollbacks spread over the run, each moving traffic to a freshly started colour
//      and stopping the old one — with the colours on unix sockets and, beside it, on TCP ports
//      reached through their nginx fronts (run/<colour>.sock, nginx's own): both switched by the
//      same rename of live.sock, no nginx reload.
//   2. p99 latency in the switch windows ÷ p99 in steady state, from a probe of sequential
//      keep-alive GETs at a steady rate beside the load (socket mode: the median of several runs),
//      split into switch → old colour stopped and the second after; and, to tell the new colour's
//      first second from the old one's stop, once more with the old colour kept running.
//   3. `pnpm switch` and `bin/switchyard switch` wall time (whole process), `bin/switchyard status`,
//      each ÷ its floor: `node -e 0`, or a pnpm script that only runs it (pnpm bench:floor).
//   4. `pnpm rollback` to a warm colour.
//   5. Deploy overhead: a deploy's wall time minus the app's own start + first healthy answer, the
//      watch window and the drain (printed apart).
// Issue 13's figures are the ratios; issue 4's absolute times are judged beside them.
// Everything runs on 127.0.0.1, ports 18200–18242, under --root; everything started is stopped at
// the end, on failure and on Ctrl-C. Not a timed test: it exits 0 with MISS lines; 1 if it broke.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '@switchyard/demo';
import { benchArgs } from './lib/args';
import { cleanUpOnSignals, onCleanup, runCleanups } from './lib/cleanup';
import { cli, type CommandTimes, deployTimes, type DeployTiming, FLOORS, medianOf, rollbackTimes, switchTimes } from './lib/cli-timings';
import { deployer } from './lib/deployer';
import type { CoresUsed } from './lib/cpu-sampler';
import { type LoadRunPlan, loadRun, type LoadRunResult } from './lib/load-run';
import { stepMs, isSwitchStep, isDrainStep } from './lib/ops';
import { createProject, type BenchProjectOptions, modeLabel, type SwitchMode } from './lib/project';
import { fixed, median, sec } from './lib/stats';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const PORTS: Record<SwitchMode | 'kept' | 'timing' | 'deploy', number> = { socket: 18200, port: 18210, timing: 18220, deploy: 18230, kept: 18240 };

const TARGETS = { ratio: 1.5, switchMs: 1000, rollbackMs: 1000, overheadMs: 3000, binOverheadMs: 2000, binToNode: 2.0, pnpmToFloor: 1.2 };

const USAGE = `usage: pnpm bench:switch [--quick] [--only load|commands] [--root DIR] [--drain-grace-ms N] [--upstream-keepalive-ms N] [--warmup-requests N]
Measures issues 4 and 13's figures on this machine (see bench/README.md); --quick is a short smoke run;
--only load: the load runs alone (failed requests, p99 ratios); --only commands: command times alone;
--warmup-requests N: health.warmup.requests in the load runs (default: config/base.json's).`;

const options = {
  quick: { type: 'boolean', default: false },
  only: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  root: { type: 'string', default: '/tmp/switchyard-bench' },
  // Shorter than the app's default drain (1500 ms) and local.json's upstream keepalive (1000 ms),
  // with the same order (drain grace > keepalive), so that 22 drains fit in a run of ~30–60 s.
  // --drain-grace-ms 1500 --upstream-keepalive-ms 1000 runs with the defaults.
  'drain-grace-ms': { type: 'string', default: '700' },
  'upstream-keepalive-ms': { type: 'string', default: '400' },
  'warmup-requests': { type: 'string' },
} as const;

const args = benchArgs({ options, strict: true, allowPositionals: false }, USAGE);
const quick = args.quick === true;
const root = String(args.root);
const only = args.only;
if (only !== undefined && only !== 'load' && only !== 'commands') {
  console.error(`--only: expected load or commands, got ${JSON.stringify(only)}`);
  process.exit(2);
}

interface Plan extends LoadRunPlan {
  /** Indexes of the operations that are rollbacks; the others are deploys. */
  rollbackAt: readonly number[];
  /** Switches between two warm colours, nothing stopped: the rename alone, for comparison. */
  warmSwitches: number;
  switchRuns: number;
  rollbackRuns: number;
  deployRuns: number;
  /** Load runs per method with the colours on sockets: the p99 ratio judged is their median. */
  socketRuns: number;
}

const common = { connections: 64, threads: 2, probeRatePerSec: 200, windowAfterMs: 1000, quietBetweenMs: 1000 };
const plan: Plan = quick
  ? { ...common, operations: 5, rollbackAt: [2], targetSec: 12, maxSec: 60, leadInMs: 2000, tailMs: 2000, warmSwitches: 4, switchRuns: 4, rollbackRuns: 2, deployRuns: 2, socketRuns: 1 }
  : { ...common, operations: 22, rollbackAt: [7, 15], targetSec: 30, maxSec: 180, leadInMs: 3000, tailMs: 3000, warmSwitches: 10, switchRuns: 10, rollbackRuns: 5, deployRuns: 3, socketRuns: 3 };

function numberArg(name: 'drain-grace-ms' | 'upstream-keepalive-ms'): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 50 || value > 10_000) {
    console.error(`--${name}: expected milliseconds from 50 to 10000`);
    process.exit(2);
  }
  return value;
}
const drainGraceMs = numberArg('drain-grace-ms');
const upstreamKeepaliveMs = numberArg('upstream-keepalive-ms');
const warmupRequests = args['warmup-requests'] === undefined ? undefined : Number(args['warmup-requests']);
if (warmupRequests !== undefined && !(Number.isInteger(warmupRequests) && warmupRequests >= 0 && warmupRequests <= 1000)) {
  console.error('--warmup-requests: expected a whole number from 0 to 1000 (health.warmup.requests)');
  process.exit(2);
}
if (drainGraceMs <= upstreamKeepaliveMs) {
  console.error('--drain-grace-ms must be longer than --upstream-keepalive-ms (nginx drops idle connections to the old colour first)');
  process.exit(2);
}

const print = (line = '') => console.log(line);
const table = (header: string[], rows: (string | number)[][]) => formatTable(header, rows).forEach((line) => print(`  ${line}`));
const phase = (title: string) => print(`\n== ${title}  (load average ${fixed(loadavg()[0] ?? 0)})`);

async function project(name: keyof typeof PORTS, options: Partial<BenchProjectOptions> = {}) {
  const created = await createProject({
    projectConfigDir: join(REPO, 'config'),
    root: join(root, name),
    port: PORTS[name],
    mode: name === 'port' ? 'port' : 'socket',
    keepOldWarm: false,
    ...options,
  });
  onCleanup(created.stop, { repeatOnSignal: true });
  return created;
}

/** The run's figures and raw probe samples ([epoch ms, latency ms, ok]), for a closer look. */
function save(result: LoadRunResult, path: string) {
  const { samples, ...rest } = result;
  writeFileSync(path, JSON.stringify({ ...rest, samples: samples.map((x) => [Math.round(x.at), +x.latencyMs.toFixed(2), x.ok ? 1 : 0]) }));
}

const label = (r: LoadRunResult) =>
  r.ops[0]?.kind === 'switch' ? 'socket, warm↔warm, none stopped' : r.keepOldWarm ? 'socket, old colour kept' : modeLabel(r.mode);

/**
 * Parts 1 and 2: both listen modes, GET then POST, on one project each; then on sockets with the
 * old colour kept running, so that a window holds a fresh colour taking the load and nothing
 * stopping: what is left of the window's cost when the stop is taken out.
 */
async function underLoad(): Promise<LoadRunResult[]> {
  const results: LoadRunResult[] = [];
  const passes = [
    { name: 'socket', runs: plan.socketRuns, keepOldWarm: false, title: 'socket switch under load' },
    { name: 'port', runs: 1, keepOldWarm: false, title: `${modeLabel('port')} switch under load` },
    { name: 'kept', runs: 1, keepOldWarm: true, title: 'socket switch under load, old colour kept running (nothing stopped)' },
  ] as const;
  for (const pass of passes) {
    phase(pass.title);
    // No watch window after each switch (5 s by default, with the old colour up): 22 operations then
    // fit in about two minutes, and a switch window holds the switch, the drain and 1 s after it, as before the watch.
    const p = await project(pass.name, { env: { DRAIN_GRACE_MS: String(drainGraceMs) }, upstreamKeepaliveMs, watchMs: 0, warmupRequests, keepOldWarm: pass.keepOldWarm });
    const ops = deployer(p);
    const first = await ops.deploy();
    if (!first.ok) throw new Error(`the first deploy failed: ${first.error}`);
    for (let run = 1; run <= pass.runs; run++)
      for (const method of ['GET', 'POST'] as const) {
        const of = pass.runs > 1 ? ` (run ${run} of ${pass.runs})` : '';
        print(`  ${method}${of}: ${plan.connections} connections, ${plan.operations - plan.rollbackAt.length} deploys + ${plan.rollbackAt.length} rollbacks over ~${plan.targetSec} s…`);
        const result = await loadRun(p, (i) => (plan.rollbackAt.includes(i) ? ops.rollback() : ops.deploy()), method, plan, print);
        const l = result.load;
        print(
          `    ${l.requests.toLocaleString('en-US')} requests in ${fixed(l.durationSec, 1)} s, non-2xx ${l.non2xx}, errors c/r/w/t ${l.socketErrors.connect}/${l.socketErrors.read}/${l.socketErrors.write}/${l.socketErrors.timeout}, ` +
            `${result.ops.filter((o) => o.ok).length}/${result.ops.length} operations ok, p99 window ÷ steady ${fixed(result.latency.ratio)}`,
        );
        results.push(result);
        save(result, join(p.root, `${method}-${run}.json`));
      }
    await p.stop();
  }
  return results;
}

function printLoad(results: LoadRunResult[]) {
  print('\nRequests under load (wrk, 64 connections; every deploy and rollback stops the old colour)');
  table(
    ['switch', 'load', 'seconds', 'ops ok', 'requests', 'req/s', 'non-2xx', 'connect', 'read', 'write', 'timeout', 'wrk p99 ms'],
    results.map((r) => [
      label(r),
      r.method,
      fixed(r.load.durationSec, 1),
      `${r.ops.filter((o) => o.ok).length}/${r.ops.length}`,
      r.load.requests,
      Math.round(r.load.requests / r.load.durationSec),
      r.load.non2xx,
      r.load.socketErrors.connect,
      r.load.socketErrors.read,
      r.load.socketErrors.write,
      r.load.socketErrors.timeout,
      fixed(r.load.latencyMs.p99, 1),
    ]),
  );
  print('\nLatency probe (sequential keep-alive GETs, 200/s; window = switch step start → old colour stopped + 1 s; steady = no command running)');
  table(
    [
      'switch',
      'load',
      'steady n',
      'window n',
      'probe errors',
      'p99 steady ms',
      'p99 window ms',
      'ratio',
      'p99 switch → stopped ms',
      'p99 1 s after ms',
      'max steady ms',
      'max window ms',
      'p99 before the switch ms',
    ],
    results.map((r) => [
      label(r),
      r.method,
      r.latency.steady,
      r.latency.inWindows,
      r.latency.probeErrors,
      fixed(r.latency.p99SteadyMs),
      fixed(r.latency.p99WindowsMs),
      fixed(r.latency.ratio),
      fixed(r.latency.p99SwitchToStoppedMs),
      fixed(r.latency.p99AfterStoppedMs),
      fixed(r.latency.maxSteadyMs, 1),
      fixed(r.latency.maxWindowsMs, 1),
      fixed(r.latency.p99PreparingMs),
    ]),
  );
  print('\nOperations under load (medians)');
  table(
    ['switch', 'load', 'deploy s', 'rollback s', 'switch step ms', 'drain + stop s'],
    results.map((r) => {
      const deploys = r.ops.filter((o) => o.kind === 'deploy' && o.ok);
      const rollbacks = r.ops.filter((o) => o.kind === 'rollback' && o.ok);
      return [
        label(r),
        r.method,
        sec(median(deploys.map((o) => o.end - o.start))),
        sec(median(rollbacks.map((o) => o.end - o.start))),
        fixed(median(r.ops.map((o) => stepMs(o, isSwitchStep))), 1),
        sec(median(r.ops.map((o) => stepMs(o, isDrainStep)))),
      ];
    }),
  );
}

interface Timings {
  warm: LoadRunResult;
  switching: CommandTimes[];
  rollback: CommandTimes[];
  deploys: { pnpm: DeployTiming[]; bin: DeployTiming[] };
}

async function timings(): Promise<Timings> {
  const run = cli(REPO);
  phase('two warm colours: switches under load (for comparison), then pnpm switch and pnpm rollback without load');
  const warm = await project('timing', { keepOldWarm: true });
  const ops = deployer(warm);
  for (const op of [await ops.deploy(), await ops.deploy()]) if (!op.ok) throw new Error(`setting up two warm colours failed: ${op.error}`);
  print(`  GET under load, ${plan.warmSwitches} switches between the two warm colours (nothing started or stopped), for comparison…`);
  const warmPlan = { ...plan, operations: plan.warmSwitches, targetSec: (plan.leadInMs + plan.tailMs) / 1000 + plan.warmSwitches * 1.5 };
  const warmRun = await loadRun(warm, () => ops.switch(), 'GET', warmPlan, print);
  save(warmRun, join(warm.root, 'GET-warm-switches.json'));
  const switching = await switchTimes(warm, run, plan.switchRuns);
  const rollback = await rollbackTimes(warm, run, plan.rollbackRuns);
  await warm.stop();

  phase('deploy overhead (dependencies unchanged, old colour drained and stopped, no load)');
  const fresh = await project('deploy');
  const first = await deployer(fresh).deploy();
  if (!first.ok) throw new Error(`the first deploy failed: ${first.error}`);
  const deploys = await deployTimes(fresh, run, plan.deployRuns);
  await fresh.stop();
  return { warm: warmRun, switching, rollback, deploys };
}

function printTimings({ switching, rollback, deploys }: Timings) {
  print('\nCommand wall time (whole process, spawn to exit; "own work" = the command\'s "Finished in")');
  table(
    ['command', 'runs', 'median s', 'min s', 'max s', 'own work median s'],
    [...switching, ...rollback].map((t) => [
      t.label,
      t.wallMs.length,
      sec(medianOf(t).wall),
      sec(Math.min(...t.wallMs)),
      sec(Math.max(...t.wallMs)),
      Number.isNaN(medianOf(t).command) ? '-' : sec(medianOf(t).command),
    ]),
  );
  print('\nDeploys with unchanged dependencies, old colour drained and stopped (medians, s)');
  const kinds = [...new Set([...deploys.pnpm, ...deploys.bin].flatMap((d) => Object.keys(d.steps)))];
  const column = (runs: DeployTiming[], pick: (d: DeployTiming) => number) => sec(median(runs.map(pick)));
  const row = (label: string, pick: (d: DeployTiming) => number) => [label, column(deploys.pnpm, pick), column(deploys.bin, pick)];
  table(
    ['', 'pnpm deploy:env', 'bin/switchyard deploy'],
    [
      row('spawn → plan made (pnpm/Node start, load, config, lock, observe)', (d) => d.beforeMs),
      ...kinds.map((k) => row(`  ${k}`, (d) => d.steps[k] ?? 0)),
      row('finish → exit', (d) => d.afterMs),
      row('total (wall)', (d) => d.wallMs),
      row('app start + first healthy answer (Start + Health gate)', (d) => d.appMs),
      row('watch window after the switch (health.watchMs)', (d) => d.watchMs),
      row("drain and stop (nginx's pooled connections age out; the old colour stops)", (d) => d.drainMs),
      row('overhead = total − app start + health − watch window − drain and stop', (d) => d.overheadMs),
    ],
  );
}

function summary(load: LoadRunResult[], t: Timings | undefined): boolean {
  const rows: string[][] = [];
  const verdicts: string[] = [];
  const judge = (figure: string, measured: string, target: string, pass: boolean | undefined) => {
    const verdict = pass === undefined ? 'info' : pass ? 'PASS' : 'MISS';
    rows.push([figure, measured, target, verdict]);
    if (pass !== undefined) verdicts.push(`${verdict}  ${figure}: ${measured} (target ${target})`);
  };
  for (const r of load) {
    const e = r.load.socketErrors;
    const failed = r.load.non2xx + e.connect + e.read + e.write + e.timeout + r.latency.probeErrors;
    const opsOk = r.ops.length === plan.operations && r.ops.every((o) => o.ok);
    // Port-only apps switch by the same rename (through their fronts): no request may fail there either.
    judge(
      `${label(r)} switch, ${r.method}: non-2xx + socket errors (c/r/w/t) + probe errors`,
      `${r.load.non2xx} + ${e.connect}/${e.read}/${e.write}/${e.timeout} + ${r.latency.probeErrors}${opsOk ? '' : ' (operations failed!)'}`,
      '0',
      failed === 0 && opsOk,
    );
  }
  for (const mode of ['socket', 'port'] as const)
    for (const method of ['GET', 'POST'] as const) {
      const runs = load.filter((r) => r.mode === mode && !r.keepOldWarm && r.method === method);
      if (runs.length === 0) continue;
      const ratio = median(runs.map((r) => r.latency.ratio));
      const each = runs.map((r) => `${fixed(r.latency.p99WindowsMs)} / ${fixed(r.latency.p99SteadyMs)} ms = ${fixed(r.latency.ratio)}`).join('; ');
      judge(
        `${modeLabel(mode)} switch, ${method}: p99 window ÷ p99 steady${runs.length > 1 ? `, median of ${runs.length} runs` : ''}`,
        runs.length > 1 ? `${fixed(ratio)} (${each})` : each,
        // The target is the socket switch's; the fronts' extra hop is shown beside it.
        mode === 'socket' ? `≤ ${TARGETS.ratio}` : '— (beside it)',
        mode === 'socket' ? ratio <= TARGETS.ratio : undefined,
      );
      if (mode === 'socket') {
        const ms = (pick: (r: LoadRunResult) => number) => `${fixed(median(runs.map(pick)))} ms`;
        judge(
          `  socket, ${method}: where the window's p99 lies (medians of the runs)`,
          `switch → old colour stopped ${ms((r) => r.latency.p99SwitchToStoppedMs)}, the second after ${ms((r) => r.latency.p99AfterStoppedMs)}; steady ${ms((r) => r.latency.p99SteadyMs)}`,
          '—',
          undefined,
        );
        judge(`  socket, ${method}: cores in use (medians of the runs)`, coresInUse(runs), '—', undefined);
        for (const kept of load.filter((r) => r.keepOldWarm && r.method === method)) {
          judge(
            `  socket, old colour kept running (nothing stopped), ${method}: p99 window ÷ p99 steady`,
            `${fixed(kept.latency.p99WindowsMs)} / ${fixed(kept.latency.p99SteadyMs)} ms = ${fixed(kept.latency.ratio)}`,
            '— (beside it)',
            undefined,
          );
          judge(`  socket, old colour kept running, ${method}: cores in use`, coresInUse([kept]), '—', undefined);
        }
      }
    }
  if (t) commandSummary(t, judge);
  print('\nSummary');
  table(['figure', 'measured', 'target', ''], rows);
  print('');
  verdicts.forEach((line) => print(line));
  return verdicts.every((line) => line.startsWith('PASS'));
}

type Judge = (figure: string, measured: string, target: string, pass: boolean | undefined) => void;

/** The machine's cores in use and the colours' share, steady and in the first second after a switch: where the window's latency comes from. */
function coresInUse(runs: readonly LoadRunResult[]): string {
  const of = (part: 'steady' | 'firstSecond') => {
    const m = (pick: (c: CoresUsed) => number) => fixed(median(runs.map((r) => pick(r.cpu[part]))));
    return `machine ${m((c) => c.machine)} of ${cpus().length}, colours ${m((c) => c.colours)} (${m((c) => c.background)} off their main threads)`;
  };
  return `steady: ${of('steady')}; first second after a switch: ${of('firstSecond')}`;
}

function commandSummary(t: Timings, judge: Judge) {
  judge(
    'socket switch between warm colours (none stopped), GET: p99 window ÷ p99 steady',
    `${fixed(t.warm.latency.p99WindowsMs)} / ${fixed(t.warm.latency.p99SteadyMs)} ms = ${fixed(t.warm.latency.ratio)}`,
    `≤ ${TARGETS.ratio}`,
    undefined,
  );
  judge('  socket switch between warm colours, GET: cores in use', coresInUse([t.warm]), '—', undefined);
  const wall = (label: string) => medianOf(t.switching.find((c) => c.label === label)!).wall;
  const nodeFloor = wall(FLOORS.node);
  for (const command of ['switch', 'status']) {
    const ms = wall(`bin/switchyard ${command}`);
    judge(`bin/switchyard ${command} ÷ node -e 0, medians`, `${sec(ms)} / ${sec(nodeFloor)} s = ${fixed(ms / nodeFloor)}`, `≤ ${TARGETS.binToNode}`, ms / nodeFloor <= TARGETS.binToNode);
  }
  const binSwitch = medianOf(t.switching.find((c) => c.label === 'bin/switchyard switch')!);
  judge(
    '  bin/switchyard switch: where its time goes (medians, ms)',
    `Node ${fixed(nodeFloor, 0)}, then the bundle, config, lock and server state ${fixed(binSwitch.start - nodeFloor, 0)}, ` +
      `the steps (gate, rename, state, confirm) ${fixed(binSwitch.finishAt - binSwitch.start, 0)}, exit ${fixed(binSwitch.wall - binSwitch.finishAt, 0)}`,
    '—',
    undefined,
  );
  const withCaCerts = t.switching.find((c) => c.label === FLOORS.nodeWithCaCerts);
  if (withCaCerts)
    judge(
      "  node -e 0 with this machine's NODE_EXTRA_CA_CERTS (every command above ran without it, as on a server)",
      `${sec(medianOf(withCaCerts).wall)} s`,
      '—',
      undefined,
    );
  const sw = medianOf(t.switching[0]!);
  const pnpmFloor = wall(FLOORS.pnpm);
  judge('pnpm switch ÷ pnpm bench:floor (a script running node -e 0), medians', `${sec(sw.wall)} / ${sec(pnpmFloor)} s = ${fixed(sw.wall / pnpmFloor)}`, `≤ ${TARGETS.pnpmToFloor}`, sw.wall / pnpmFloor <= TARGETS.pnpmToFloor);
  judge('pnpm switch, median wall time', `${sec(sw.wall)} s (own work ${sec(sw.command)} s)`, `≤ ${sec(TARGETS.switchMs)} s`, sw.wall <= TARGETS.switchMs);
  const rb = medianOf(t.rollback[0]!);
  const rbBin = medianOf(t.rollback[1]!);
  judge('pnpm rollback to a warm colour, median', `${sec(rb.wall)} s (bin/switchyard ${sec(rbBin.wall)} s)`, `≤ ${sec(TARGETS.rollbackMs)} s`, rb.wall <= TARGETS.rollbackMs);
  const deployOverhead = (via: 'pnpm' | 'bin', label: string, target: number) => {
    const runs = t.deploys[via];
    const overhead = median(runs.map((d) => d.overheadMs));
    const parts = `deploy ${sec(median(runs.map((d) => d.wallMs)))} − app ${sec(median(runs.map((d) => d.appMs)))} − watch ${sec(median(runs.map((d) => d.watchMs)))} − drain and stop ${sec(median(runs.map((d) => d.drainMs)))} s`;
    judge(`${label} overhead over app start + health (drain apart), median`, `${sec(overhead)} s (${parts})`, `≤ ${sec(target)} s`, overhead <= target);
  };
  deployOverhead('bin', 'bin/switchyard deploy', TARGETS.binOverheadMs);
  deployOverhead('pnpm', 'pnpm deploy:env', TARGETS.overheadMs);
}

cleanUpOnSignals();
const started = performance.now();
print(`bench:switch${quick ? ' --quick' : ''}: ${cpus().length} CPUs, Node ${process.version}, root ${root}`);
print(
  `  under load: app drain grace ${drainGraceMs} ms, nginx upstream keepalive ${upstreamKeepaliveMs} ms, no watch window, warm-up ${warmupRequests ?? "config/base.json's"} requests per path (deploy overhead: the defaults); ` +
    `${plan.operations} operations per load run (rollbacks at ${plan.rollbackAt.map((i) => i + 1).join(', ')})`,
);
let exitCode = 0;
try {
  const load = only === 'commands' ? [] : await underLoad();
  const t = only === 'load' ? undefined : await timings();
  printLoad(t ? [...load, t.warm] : load);
  if (t) printTimings(t);
  summary(load, t);
  print(`\nbench:switch finished in ${sec(performance.now() - started)} s`);
} catch (error) {
  console.error(`\nbench:switch failed: ${(error as Error).stack ?? String(error)}`);
  exitCode = 1;
} finally {
  await runCleanups();
}
process.exit(exitCode);
