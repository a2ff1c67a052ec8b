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
  /**
   * The colour taking traffic, as nginx sees it: live.sock's target when that colour runs; else
   * the backup's (idle.sock), which nginx falls back to when the live link is lost or leads to a
   * dead process. null when neither is running.
   */
  live: Color | null;
  /** What live.sock itself names (null: missing, or not a colour's socket). */
  liveLink: Color | null;
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
  /** This server's command runs the environment's migrations (the config has them; the first server). */
  runsMigrations: boolean;
}
