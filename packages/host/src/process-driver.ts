import type { Color } from '@switchyard/templates';
import type { Host } from './host';
import { COMMAND_TIMEOUT_MS } from './command-timeouts';

export interface StopOptions {
  /** How long the colour may drain after SIGTERM before it is killed. */
  timeoutMs: number;
}

/** The process serving a colour right now, as its supervisor sees it. */
export interface ProcessRun {
  pid: number;
  /** Since this very process started (a restart starts the count again). */
  uptimeSeconds: number;
  /** Restarts the supervisor made on its own since the colour was started (always 0 without one). */
  restarts: number;
}

/** Runs the colours: systemd units or plain detached processes. Every method is idempotent. */
export interface ProcessDriver {
  readonly kind: 'systemd' | 'plain';
  /** Starts the colour from colors/<color>; does nothing when it already runs. */
  start(color: Color): Promise<void>;
  /** SIGTERM, up to timeoutMs to exit, then SIGKILL; does nothing when it is not running. */
  stop(color: Color, options: StopOptions): Promise<void>;
  isActive(color: Color): Promise<boolean>;
  /** The main process, its age and its restarts, or undefined when the colour is not running. */
  run(color: Color): Promise<ProcessRun | undefined>;
  /** The colour's own output, for the message when it fails its health gate. */
  lastLogLines(color: Color, count: number): Promise<string[]>;
}

/** The last lines of a log file; [] when there is none yet. */
export async function tailFile(host: Host, file: string, count: number): Promise<string[]> {
  if (!(await host.exists(file))) return [];
  const text = (await host.run(['tail', '-n', String(count), file], { timeoutMs: COMMAND_TIMEOUT_MS.quick })).stdout.replace(/\n$/, '');
  return text === '' ? [] : text.split('\n');
}
