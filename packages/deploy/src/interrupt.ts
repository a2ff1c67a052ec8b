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

/**
 * Until the returned function is called, SIGINT and SIGTERM stop the command at the next safe
 * point instead of mid-step (onFirst aborts what the steps watch), so it can say where traffic is
 * and write its audit line. A second signal leaves at once: every step is built to be safe even
 * under SIGKILL, and the next command finishes the job.
 */
export function catchInterrupts(onFirst: (signal: StopSignal) => void, onSecond: (signal: StopSignal) => void): () => void {
  let received: StopSignal | undefined;
  const handle = (signal: StopSignal) => {
    if (received) {
      onSecond(signal);
      process.exit(exitCodeOf(signal));
    }
    received = signal;
    onFirst(signal);
  };
  const onInt = () => handle('SIGINT');
  const onTerm = () => handle('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}
