import type { DeployEvent, Reporter } from '@switchyard/deploy';
import { now } from './probe';

export interface TimedStep {
  name: string;
  start: number;
  end: number;
}

/** One command run in-process under load, with the time of each of its steps (epoch ms). */
export interface OpRecord {
  kind: 'deploy' | 'rollback' | 'switch';
  start: number;
  end: number;
  steps: TimedStep[];
  ok: boolean;
  error?: string;
}

/** A reporter that keeps each step's start and end instead of printing them. */
export function recordingReporter(steps: TimedStep[]): Reporter {
  const open = new Map<string, number>();
  return {
    emit(event: DeployEvent) {
      if (event.type === 'step-start') open.set(event.step, now());
      if (event.type === 'step-end') {
        steps.push({ name: event.step, start: open.get(event.step) ?? now() - event.durationMs, end: now() });
        open.delete(event.step);
      }
    },
  };
}

/** A step that moves traffic: the rename of the live link (or, for a canary, of bucket links). */
export const isSwitchStep = (name: string) => /^(Switch to|Canary)/.test(name);
export const isDrainStep = (name: string) => name.startsWith('Drain and stop');

export interface Window {
  start: number;
  end: number;
}

/**
 * The time an operation touches traffic: from the start of its switch step to `afterMs` after the
 * old colour has drained and stopped (or after the switch, when nothing is stopped).
 */
export function switchWindow(op: OpRecord, afterMs: number): Window | undefined {
  const switching = op.steps.find((s) => isSwitchStep(s.name));
  if (!switching) return undefined;
  const last = op.steps.filter((s) => isSwitchStep(s.name) || isDrainStep(s.name) || s.name === 'Confirm through nginx').at(-1) ?? switching;
  return { start: switching.start, end: last.end + afterMs };
}

/** A run's phases, to sort a moment into: the switch windows, and the operations whole (steady state is neither). */
export interface RunPhases {
  windows: Window[];
  running: Window[];
}

export function runPhases(ops: readonly OpRecord[], windowAfterMs: number): RunPhases {
  return {
    windows: ops.map((op) => switchWindow(op, windowAfterMs)).filter((w): w is Window => w !== undefined),
    running: ops.map((op) => ({ start: op.start, end: op.end })),
  };
}

export const inside = (windows: readonly Window[], at: number) => windows.some((w) => at >= w.start && at <= w.end);

export const stepMs = (op: OpRecord, match: (name: string) => boolean) =>
  op.steps.filter((s) => match(s.name)).reduce((sum, s) => sum + (s.end - s.start), 0);
