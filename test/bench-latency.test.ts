import { describe, expect, it } from 'vitest';
import { type CpuSample, cpuFigures } from '../bench/lib/cpu-sampler';
import { latencyFigures } from '../bench/lib/load-run';
import type { OpRecord } from '../bench/lib/ops';

/*
 * How bench:switch sorts its probe's answers: a switch window runs from the switch step to
 * windowAfterMs after the old colour stopped (split at the stop), the rest of a command's run is
 * "before the switch", and steady state is when no command runs at all.
 */

const deploy: OpRecord = {
  kind: 'deploy',
  start: 1000,
  end: 5000,
  ok: true,
  steps: [
    { name: 'Start green', start: 1000, end: 2000 },
    { name: 'Switch to green (socket rename, no reload)', start: 3000, end: 3010 },
    { name: 'Confirm through nginx', start: 3010, end: 3020 },
    { name: 'Drain and stop blue', start: 3020, end: 4000 },
    { name: 'Prune 1 old release(s)', start: 4000, end: 5000 },
  ],
};

const sample = (at: number, latencyMs: number) => ({ at, latencyMs, ok: true });

describe('bench:switch latency figures', () => {
  it('puts each answer in steady state, before the switch, switch → stopped or the second after', () => {
    const samples = [
      sample(500, 1), // steady: before the deploy
      sample(1500, 50), // before the switch: the new colour starting
      sample(3005, 7), // the switch
      sample(3500, 9), // the drain
      sample(4500, 3), // the second after the stop (the prune runs, but the window holds it)
      sample(5500, 2), // steady: after the window, no command running
    ];
    const figures = latencyFigures(samples, [deploy], 1000);
    expect([figures.steady, figures.preparing, figures.inWindows]).toEqual([2, 1, 3]);
    expect(figures.p99SteadyMs).toBe(2);
    expect(figures.p99PreparingMs).toBe(50);
    expect(figures.p99SwitchToStoppedMs).toBe(9);
    expect(figures.p99AfterStoppedMs).toBe(3);
    expect(figures.p99WindowsMs).toBe(9);
    expect(figures.ratio).toBe(4.5);
  });

  it('a switch with nothing stopped: the window is the switch and the second after it', () => {
    const warmSwitch: OpRecord = { kind: 'switch', start: 0, end: 20, ok: true, steps: [{ name: 'Switch to blue (socket rename, no reload)', start: 0, end: 10 }] };
    const figures = latencyFigures([sample(5, 4), sample(900, 6), sample(1500, 1)], [warmSwitch], 1000);
    expect([figures.p99SwitchToStoppedMs, figures.p99AfterStoppedMs, figures.p99SteadyMs]).toEqual([4, 6, 1]);
  });
});

describe('bench:switch cores in use', () => {
  const deploy2: OpRecord = {
    kind: 'deploy',
    start: 1000,
    end: 4500,
    ok: true,
    steps: [
      { name: 'Start green', start: 1000, end: 2000 },
      { name: 'Switch to green (socket rename, no reload)', start: 3000, end: 3010 },
      { name: 'Drain and stop blue', start: 3010, end: 4400 },
    ],
  };
  // 2 cores; 100 jiffies of machine time per 500 ms interval.
  const at = (ms: number, idle: number, colours: CpuSample['colours']): CpuSample => ({ at: ms, idle, total: ms / 5, colours });
  const cpu = (pid: number, ms: number, mainMs: number) => ({ pid, ns: ms * 1e6, mainNs: mainMs * 1e6 });

  it('averages the machine and both colours over steady state and over the first second after each switch', () => {
    const samples = [
      at(0, 0, { blue: cpu(10, 0, 0) }),
      // steady: half the machine idle, blue on 0.5 of a core, all of it on its main thread
      at(500, 50, { blue: cpu(10, 250, 250) }),
      // green started at 1000 and is on its own until the switch at 3000 (preparing: not counted)
      at(3000, 60, { blue: cpu(10, 1500, 1500), green: cpu(20, 0, 0) }),
      // the first second after the switch: nothing idle; blue 0.4 core, green 0.8 (0.3 of it off its main thread)
      at(3500, 60, { blue: cpu(10, 1700, 1700), green: cpu(20, 400, 250) }),
      at(4000, 60, { blue: cpu(10, 1900, 1900), green: cpu(20, 800, 500) }),
      // blue stopped: its interval is not counted (no process at both ends); the window lasts until 5000
      at(4500, 70, { green: cpu(20, 1100, 800) }),
      // a new blue (another pid) counts from its second reading only
      at(6000, 145, { green: cpu(20, 1850, 1550), blue: cpu(30, 0, 0) }),
      at(6500, 195, { green: cpu(20, 2100, 1800), blue: cpu(30, 100, 100) }),
    ];
    const figures = cpuFigures(samples, [deploy2], 1000, 2);
    expect(figures.firstSecond).toEqual({ machine: 2, colours: 1.2, background: 0.3 });
    // steady: 0–500 (machine 1.0, blue 0.5) and 6000–6500 (machine 1.0, green 0.5 + blue 0.2)
    expect(figures.steady.machine).toBeCloseTo(1);
    expect(figures.steady.colours).toBeCloseTo(0.6);
    expect(figures.steady.background).toBeCloseTo(0);
  });
});
