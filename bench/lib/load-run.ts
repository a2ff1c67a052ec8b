import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LoadResult, startLoad } from '@switchyard/demo';
import { serverLayout } from '@switchyard/templates';
import { onCleanup } from './cleanup';
import { type CpuFigures, cpuFigures, type CpuSample, startCpuSampler } from './cpu-sampler';
import { inside, type OpRecord, runPhases, switchWindow } from './ops';
import { now, type ProbeSample, startProbe } from './probe';
import type { BenchProject, SwitchMode } from './project';
import { percentile } from './stats';

export interface LoadRunPlan {
  /** Operations in all, in order; each is next(i). */
  operations: number;
  /** The run's intended length; operations are spread over it, and it stretches if they take longer. */
  targetSec: number;
  /** No operation may start after this; wrk's own bound is a little beyond. */
  maxSec: number;
  leadInMs: number;
  tailMs: number;
  connections: number;
  threads: number;
  probeRatePerSec: number;
  /** A switch window lasts until this long after the old colour has stopped. */
  windowAfterMs: number;
  /**
   * No operation starts until this long after the previous one's window has ended: no command's
   * work falls in another's window, and these quiet spells give steady state its samples from
   * all through the run, not only from its lead-in and tail.
   */
  quietBetweenMs: number;
}

export interface LatencyFigures {
  /** Probe answers in steady state (no command running), in the switch windows, and while a new colour starts. */
  steady: number;
  inWindows: number;
  preparing: number;
  probeErrors: number;
  p99SteadyMs: number;
  p99WindowsMs: number;
  p99PreparingMs: number;
  /** The windows split in two: from the switch until the old colour has stopped, and the time after. */
  p99SwitchToStoppedMs: number;
  p99AfterStoppedMs: number;
  maxSteadyMs: number;
  maxWindowsMs: number;
  ratio: number;
}

export interface LoadRunResult {
  mode: SwitchMode;
  keepOldWarm: boolean;
  method: 'GET' | 'POST';
  load: LoadResult;
  ops: OpRecord[];
  latency: LatencyFigures;
  /** Cores in use in steady state and in the first second after a switch. */
  cpu: CpuFigures;
  /** The probe's raw samples, for a closer look (saved beside the project). */
  samples: ProbeSample[];
  loadAverage: number;
}

export function latencyFigures(samples: readonly ProbeSample[], ops: readonly OpRecord[], windowAfterMs: number): LatencyFigures {
  const { windows, running } = runPhases(ops, windowAfterMs);
  const untilStopped = windows.map((w) => ({ start: w.start, end: w.end - windowAfterMs }));
  const steady: number[] = [];
  const inWindows: number[] = [];
  const switchToStopped: number[] = [];
  const afterStopped: number[] = [];
  const preparing: number[] = [];
  let probeErrors = 0;
  for (const sample of samples) {
    if (!sample.ok) probeErrors++;
    if (inside(windows, sample.at)) {
      inWindows.push(sample.latencyMs);
      (inside(untilStopped, sample.at) ? switchToStopped : afterStopped).push(sample.latencyMs);
    } else (inside(running, sample.at) ? preparing : steady).push(sample.latencyMs);
  }
  const p99SteadyMs = percentile(steady, 99);
  const p99WindowsMs = percentile(inWindows, 99);
  return {
    steady: steady.length,
    inWindows: inWindows.length,
    preparing: preparing.length,
    probeErrors,
    p99SteadyMs,
    p99WindowsMs,
    p99PreparingMs: percentile(preparing, 99),
    p99SwitchToStoppedMs: percentile(switchToStopped, 99),
    p99AfterStoppedMs: percentile(afterStopped, 99),
    maxSteadyMs: percentile(steady, 100),
    maxWindowsMs: percentile(inWindows, 100),
    ratio: p99WindowsMs / p99SteadyMs,
  };
}

/**
 * One run: wrk at constant load (GET /api/products or POST /api/orders) and the latency probe
 * beside it; after a quiet lead-in, the operations spread over the run (each at least
 * quietBetweenMs after the previous one's window, stretching the run when they take longer than
 * their share); then a quiet tail.
 */
export async function loadRun(
  project: BenchProject,
  next: (i: number) => Promise<OpRecord>,
  method: 'GET' | 'POST',
  plan: LoadRunPlan,
  print: (line: string) => void,
): Promise<LoadRunResult> {
  const url = `http://127.0.0.1:${project.port}${method === 'GET' ? '/api/products' : '/api/orders'}`;
  const load = startLoad({
    url,
    method,
    ...(method === 'POST' ? { body: JSON.stringify({ productId: 1, quantity: 1 }) } : {}),
    connections: plan.connections,
    threads: plan.threads,
    maxDurationSec: plan.maxSec + 10,
  });
  const dropLoad = onCleanup(async () => void (await load.stop().catch(() => undefined)));
  const loadStart = now();
  await sleep(500); // wrk's connections are open and busy before the probe starts
  const probe = startProbe({ port: project.port, path: '/api/products', ratePerSec: plan.probeRatePerSec, maxDurationMs: (plan.maxSec + 10) * 1000 });
  const dropProbe = onCleanup(async () => void (await probe.stop()));
  const cpu = startCpuSampler(serverLayout(project.config).runDir);
  const records: OpRecord[] = [];
  let samples: ProbeSample[] = [];
  let cpuSamples: CpuSample[] = [];
  let result: LoadResult;
  try {
    const first = now() + plan.leadInMs;
    const spacing = (plan.targetSec * 1000 - 500 - plan.leadInMs - plan.tailMs) / plan.operations;
    const deadline = loadStart + plan.maxSec * 1000;
    for (let i = 0; i < plan.operations; i++) {
      const previous = records.at(-1);
      const previousEnd = previous ? (switchWindow(previous, plan.windowAfterMs)?.end ?? previous.end) : 0;
      const wait = Math.max(first + i * spacing, previousEnd + plan.quietBetweenMs) - now();
      if (wait > 0) await sleep(wait);
      if (now() > deadline) {
        print(`    time is up after ${i} of ${plan.operations} operations`);
        break;
      }
      const op = await next(i);
      records.push(op);
      if (!op.ok) print(`    ${op.kind} ${i + 1} FAILED: ${op.error}`);
    }
    await sleep(plan.tailMs);
  } finally {
    samples = await probe.stop();
    dropProbe();
    cpuSamples = await cpu.stop();
    result = await load.stop();
    dropLoad();
  }
  const latency = latencyFigures(samples, records, plan.windowAfterMs);
  const cores = cpuFigures(cpuSamples, records, plan.windowAfterMs, cpus().length);
  return { mode: project.mode, keepOldWarm: project.keepOldWarm, method, load: result, ops: records, latency, cpu: cores, samples, loadAverage: loadavg()[0] ?? 0 };
}
