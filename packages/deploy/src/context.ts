import type { ProcessRun } from '@switchyard/host';
import type { Color } from '@switchyard/templates';
import type { Reporter } from './reporter';
import type { Runtime } from './runtime';

/** What every step handler works with: the server, what to tell the user, what this command started. */
export interface StepContext extends Runtime {
  out: Reporter;
  /** Size of each colour's log when this command started it: its own output begins there. */
  logStarts: Partial<Record<Color, number>>;
  /** The process that passed each colour's health gate in this command: a later one is a restart. */
  gated: Partial<Record<Color, ProcessRun>>;
  /** Aborted, with the signal's name as its reason, when the user stops the command (Ctrl-C, SIGTERM). */
  interrupted: AbortSignal;
}

export const stepContext = (rt: Runtime, out: Reporter, interrupted = new AbortController().signal): StepContext => ({
  ...rt,
  out,
  logStarts: {},
  gated: {},
  interrupted,
});
