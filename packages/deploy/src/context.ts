import type { Color } from '@switchyard/templates';
import type { Reporter } from './reporter';
import type { Runtime } from './runtime';

/** What every step handler works with: the server, what to tell the user, what this command started. */
export interface StepContext extends Runtime {
  out: Reporter;
  /** Size of each colour's log when this command started it: its own output begins there. */
  logStarts: Partial<Record<Color, number>>;
}
