import { describe, expect, it } from 'vitest';
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
