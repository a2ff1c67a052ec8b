import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { COLORS, type Color } from '@switchyard/templates';
import { inside, type OpRecord, runPhases } from './ops';
import { now } from './probe';

/** One reading: the machine's idle and total jiffies, and each running colour's CPU time. */
export interface CpuSample {
  at: number;
  idle: number;
  total: number;
  /** Per running colour: CPU nanoseconds of all its threads, and of its main thread alone. */
  colours: Partial<Record<Color, ProcessCpu>>;
}

interface ProcessCpu {
  pid: number;
  ns: number;
  mainNs: number;
}

/** Cores in use, averaged over a stretch of the run. */
export interface CoresUsed {
  /** The whole machine (2.00 = both cores of two busy). */
  machine: number;
  /** Both colours together: the app's own work, whatever it is split between them. */
  colours: number;
  /** The colours' threads other than their main ones: V8's compiler and garbage collector threads. */
  background: number;
}

export interface CpuFigures {
  /** No command running. */
  steady: CoresUsed;
  /** The first second after each switch: both colours up, nginx's pooled connections to the old one ageing out. */
  firstSecond: CoresUsed;
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

function processCpu(pid: number): ProcessCpu | undefined {
  let ns = 0;
  let mainNs = 0;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      // schedstat's first field: nanoseconds on a CPU, exact where /proc/<pid>/stat counts 10 ms ticks.
      const taskNs = Number(read(`/proc/${pid}/task/${task}/schedstat`)?.split(' ')[0] ?? 0);
      ns += taskNs;
      if (Number(task) === pid) mainNs = taskNs;
    }
  } catch {
    return undefined;
  }
  return { pid, ns, mainNs };
}

function sample(runDir: string): CpuSample {
  const jiffies = (read('/proc/stat') ?? '').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const colours: CpuSample['colours'] = {};
  for (const color of COLORS) {
    const pid = Number(read(join(runDir, `${color}.pid`))?.trim().split(' ')[0]);
    const cpu = Number.isInteger(pid) && pid > 0 ? processCpu(pid) : undefined;
    if (cpu) colours[color] = cpu;
  }
  // idle + iowait
  return { at: now(), idle: (jiffies[3] ?? 0) + (jiffies[4] ?? 0), total: jiffies.reduce((a, b) => a + b, 0), colours };
}

/** Reads the machine's and the colours' CPU time every intervalMs (plain processes: pid files in runDir) until stopped. */
export function startCpuSampler(runDir: string, intervalMs = 50): { stop(): Promise<CpuSample[]> } {
  const samples: CpuSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(sample(runDir));
      await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/**
 * Cores used between consecutive samples, averaged over the intervals that fall in steady state
 * and in the first second after a switch: how close each comes to the machine's limit, and what
 * the colours take for the same load.
 */
export function cpuFigures(samples: readonly CpuSample[], ops: readonly OpRecord[], windowAfterMs: number, cores: number): CpuFigures {
  const { windows, running } = runPhases(ops, windowAfterMs);
  const firstSeconds = windows.map((w) => ({ start: w.start, end: w.start + 1000 }));
  const zero = () => ({ ms: 0, machine: 0, colours: 0, background: 0 });
  const sums = { steady: zero(), firstSecond: zero() };
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    // Each interval goes where its middle falls.
    const middle = (a.at + b.at) / 2;
    const part = inside(firstSeconds, middle) ? sums.firstSecond : !inside(windows, middle) && !inside(running, middle) ? sums.steady : undefined;
    if (!part || b.total === a.total) continue;
    const ms = b.at - a.at;
    part.ms += ms;
    part.machine += (1 - (b.idle - a.idle) / (b.total - a.total)) * cores * ms;
    for (const color of COLORS) {
      const [before, after] = [a.colours[color], b.colours[color]];
      // A colour that started or stopped in between is counted where both ends saw the same process.
      if (!before || !after || before.pid !== after.pid) continue;
      part.colours += (after.ns - before.ns) / 1e6;
      part.background += (after.ns - after.mainNs - (before.ns - before.mainNs)) / 1e6;
    }
  }
  const average = (s: ReturnType<typeof zero>): CoresUsed =>
    s.ms > 0 ? { machine: s.machine / s.ms, colours: s.colours / s.ms, background: s.background / s.ms } : { machine: Number.NaN, colours: Number.NaN, background: Number.NaN };
  return { steady: average(sums.steady), firstSecond: average(sums.firstSecond) };
}
