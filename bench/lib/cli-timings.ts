import { join } from 'node:path';
import { readStatus } from '@switchyard/deploy';
import { jsonLines, type TimedChild, timeChild } from './child';
import type { BenchProject } from './project';
import { median } from './stats';

export interface CommandTimes {
  label: string;
  wallMs: number[];
  /** The command's own time, from its --json "finish" event (after Node and the bundle have loaded). */
  commandMs: number[];
  /** Spawn → its --json "start" event: Node's start, the bundle, the config, the lock and reading the server's state. */
  startMs: number[];
  /** Spawn → its --json "finish" event. */
  finishAtMs: number[];
}

export interface Cli {
  repo: string;
  /** `pnpm <script> …` as a user types it. */
  pnpm(script: string, args: readonly string[]): Promise<TimedChild>;
  /** `bin/switchyard <name> …`: the same command without pnpm's own start-up. */
  bin(name: string, args: readonly string[]): Promise<TimedChild>;
}

const TIMEOUT_MS = 60_000;

/**
 * The environment commands are timed in: a server's, without NODE_EXTRA_CA_CERTS. Where it is set
 * (this machine sets it), every Node process parses that CA bundle as it starts, ~55 ms here: more
 * than `node -e 0` takes without it, which would hide most of a command's own start in the floor.
 */
export const SERVER_ENV = { NODE_EXTRA_CA_CERTS: undefined };

export function cli(repo: string): Cli {
  const options = { cwd: repo, timeoutMs: TIMEOUT_MS, env: SERVER_ENV };
  return {
    repo,
    pnpm: (script, args) => timeChild('pnpm', ['-s', script, ...args], options),
    bin: (name, args) => timeChild(join(repo, 'bin/switchyard'), [name, ...args], options),
  };
}

export const projectFlags = (project: BenchProject) => ['--env', 'local', '--config-dir', project.configDir, '--json'];

function finishMs(run: TimedChild): number {
  const finish = jsonLines(run.output).find((event) => event.type === 'finish');
  return typeof finish?.durationMs === 'number' ? finish.durationMs : Number.NaN;
}

const eventMs = (run: TimedChild, type: string) => eventTime(run, type) ?? Number.NaN;

function check(label: string, run: TimedChild): TimedChild {
  if (run.code !== 0) throw new Error(`${label} exited ${run.code}:\n${run.output.slice(-2000)}`);
  return run;
}

export type Runner = (i: number) => Promise<TimedChild>;

/**
 * Runs each command once per round, round after round, so that every command sees the same
 * background (this machine may be busy with other work): medians then compare like with like.
 */
export async function rounds(runs: number, commands: [label: string, once: Runner][]): Promise<CommandTimes[]> {
  const times = commands.map(([label]): CommandTimes => ({ label, wallMs: [], commandMs: [], startMs: [], finishAtMs: [] }));
  for (let i = 0; i < runs; i++)
    for (const [index, [label, once]] of commands.entries()) {
      const run = check(label, await once(i));
      times[index]!.wallMs.push(run.ms);
      times[index]!.commandMs.push(finishMs(run));
      times[index]!.startMs.push(eventMs(run, 'start'));
      times[index]!.finishAtMs.push(eventMs(run, 'finish'));
    }
  return times;
}

/** What bench:switch divides by: Node's own start, and pnpm's with it (a script that only runs `node -e 0`). */
export const FLOORS = {
  node: 'node -e 0 (Node start alone)',
  pnpm: 'pnpm bench:floor (pnpm + node -e 0)',
  nodeWithCaCerts: "node -e 0 with this machine's NODE_EXTRA_CA_CERTS (not a floor)",
} as const;

/**
 * `pnpm switch --to blue|green` and `bin/switchyard switch --to …` (both colours running; each
 * switch goes to the colour that is not live), `bin/switchyard status`, and the floors beside them.
 */
export async function switchTimes(project: BenchProject, run: Cli, runs: number): Promise<CommandTimes[]> {
  let live = (await readStatus(project.config)).live ?? 'blue';
  const next = () => (live = live === 'blue' ? 'green' : 'blue');
  const flags = projectFlags(project);
  // The first run of a build validates the config and remembers it (loadConfigCached): not the case timed.
  check('warm-up switch', await run.bin('switch', [...flags, '--to', next()]));
  return rounds(runs, [
    ['pnpm switch', () => run.pnpm('switch', [...flags, '--to', next()])],
    [FLOORS.pnpm, () => run.pnpm('bench:floor', [])],
    ['bin/switchyard switch', () => run.bin('switch', [...flags, '--to', next()])],
    ['bin/switchyard status', () => run.bin('status', flags)],
    [FLOORS.node, () => timeChild(process.execPath, ['-e', '0'], { cwd: run.repo, timeoutMs: TIMEOUT_MS, env: SERVER_ENV })],
    ...(process.env.NODE_EXTRA_CA_CERTS
      ? [[FLOORS.nodeWithCaCerts, () => timeChild(process.execPath, ['-e', '0'], { cwd: run.repo, timeoutMs: TIMEOUT_MS })] satisfies [string, Runner]]
      : []),
  ]);
}

/** `pnpm rollback` to the warm colour, and the same through bin/switchyard (each flips back to the other release). */
export async function rollbackTimes(project: BenchProject, run: Cli, runs: number): Promise<CommandTimes[]> {
  const flags = projectFlags(project);
  return rounds(runs, [
    ['pnpm rollback', () => run.pnpm('rollback', flags)],
    ['bin/switchyard rollback', () => run.bin('rollback', flags)],
  ]);
}

export interface DeployTiming {
  wallMs: number;
  /** Spawn → the command's "start" event: pnpm and Node start, bundle load, config, source hash, lock, observe. */
  beforeMs: number;
  /** The "finish" event → exit. */
  afterMs: number;
  /** Each step's duration, by step kind (colour and release id left out). */
  steps: Record<string, number>;
  /** Start step + health gate: from starting the colour to its first healthy answer. */
  appMs: number;
  /** The watch window after the switch (health.watchMs): a wait the config asks for, not overhead. */
  watchMs: number;
  /** "Drain and stop": waiting for nginx's pooled connections to the old colour to age out, then stopping it. */
  drainMs: number;
  /** Wall time less the app's start + health, the watch window and the drain. */
  overheadMs: number;
}

/** Step names without the colour or release id, so that deploys can be compared step by step. */
export const stepKind = (name: string) =>
  name
    .replace(/\b(blue|green)\b/g, 'X')
    .replace(/\d{8}T\d{6}Z-[0-9a-f]+/g, 'R')
    .replace(/\(lockfile unchanged: reuse R\)/, '(reused)');

function eventTime(run: TimedChild, type: string): number | undefined {
  return run.lines.find((line) => line.text.startsWith('{') && line.text.includes(`"type":"${type}"`))?.ms;
}

/**
 * Deploys with unchanged dependencies, round after round one through `pnpm deploy:env` and one
 * through `bin/switchyard deploy`, alternating the project's two sources (its first deploy
 * shipped sources[0]); the colour that was live is drained and stopped, as the config says.
 */
export async function deployTimes(project: BenchProject, run: Cli, runs: number): Promise<{ pnpm: DeployTiming[]; bin: DeployTiming[] }> {
  const out = { pnpm: [] as DeployTiming[], bin: [] as DeployTiming[] };
  let count = 0;
  for (let i = 0; i < runs; i++)
    for (const via of ['pnpm', 'bin'] as const) {
      const source = count++ % 2 === 0 ? project.sources[1] : project.sources[0];
      const args = [...projectFlags(project), '--source', source];
      out[via].push(timing(check(`${via} deploy`, via === 'pnpm' ? await run.pnpm('deploy:env', args) : await run.bin('deploy', args))));
    }
  return out;
}

function timing(result: TimedChild): DeployTiming {
  const steps: Record<string, number> = {};
  let appMs = 0;
  let watchMs = 0;
  let drainMs = 0;
  for (const event of jsonLines(result.output)) {
    if (event.type !== 'step-end' || typeof event.step !== 'string' || typeof event.durationMs !== 'number') continue;
    const kind = stepKind(event.step);
    steps[kind] = (steps[kind] ?? 0) + event.durationMs;
    if (/^(Start|Health gate) X$/.test(kind)) appMs += event.durationMs;
    if (kind.startsWith('Watch X')) watchMs += event.durationMs;
    if (kind === 'Drain and stop X') drainMs += event.durationMs;
  }
  const beforeMs = eventTime(result, 'start') ?? Number.NaN;
  const afterMs = result.ms - (eventTime(result, 'finish') ?? Number.NaN);
  return { wallMs: result.ms, beforeMs, afterMs, appMs, watchMs, drainMs, overheadMs: result.ms - appMs - watchMs - drainMs, steps };
}

export const medianOf = (times: CommandTimes) => ({ wall: median(times.wallMs), command: median(times.commandMs), start: median(times.startMs), finishAt: median(times.finishAtMs) });
