import type { DeployState } from '@switchyard/host';
import type { Color } from '@switchyard/templates';

/**
 * What is true on the server right now. The planners trust these observations over state.json:
 * after a crash between a switch and the state write, the symlinks tell where traffic really goes.
 */
export interface Facts {
  /** ISO time of this command, used for records. */
  now: string;
  state: DeployState;
  /** The colour taking traffic, as nginx sees it (live.sock's target), or null. */
  live: Color | null;
  /** The colour behind idle.sock (every bucket's backup, the staging route), or null. */
  idle: Color | null;
  /** The release each colour's link points at. */
  releaseOf: Record<Color, string | null>;
  running: Record<Color, boolean>;
  /** Release directories present on the server, oldest first. */
  releases: string[];
  /** nginx (the private one, or the system's) has a master process running. */
  nginxRunning: boolean;
  /** This server runs the worker module (its role, and the module enabled). */
  runsWorker: boolean;
}
