import { SwitchyardError } from '@switchyard/config';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Exit status a shell reports for a process ended by the signal: 128 + its number. */
const exitCodeOf = (signal: StopSignal) => (signal === 'SIGINT' ? 130 : 143);

/** The command stopped at a signal: exit 130 (Ctrl-C) or 143 (SIGTERM), after saying where traffic is. */
export class Interrupted extends SwitchyardError {
  constructor(
    message: string,
    readonly signal: StopSignal,
  ) {
    super(message, exitCodeOf(signal));
  }
}

/** What a step list throws once the command was interrupted: between steps, or a step that failed because of it. */
export function interruptedAt(interrupted: AbortSignal, where: string): Interrupted {
  const signal = interrupted.reason as StopSignal;
  return new Interrupted(`interrupted by ${signal} ${where}`, signal);
}

export interface Interruption {
  /** Aborted at the first SIGINT or SIGTERM: steps end where they safely can. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: StopSignal | undefined;
  /** Gives the signals back to their default handling. */
  release(): void;
}

/**
 * From here to release(), SIGINT and SIGTERM stop the command at the next safe point instead of
 * mid-step, so it can say where traffic is and write its audit line. A second signal leaves at
 * once: every step is built to be safe even under SIGKILL, and the next command finishes the job.
 */
export function catchInterrupts(onFirst: (signal: StopSignal) => void, onSecond: (signal: StopSignal) => void): Interruption {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handle = (signal: StopSignal) => {
    if (received) {
      onSecond(signal);
      process.exit(exitCodeOf(signal));
    }
    received = signal;
    onFirst(signal);
    controller.abort(signal);
  };
  const onInt = () => handle('SIGINT');
  const onTerm = () => handle('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    release() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
