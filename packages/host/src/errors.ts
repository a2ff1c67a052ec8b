import { SwitchyardError } from '@switchyard/config';

/** A command that had to succeed did not: exit code 1, traffic unchanged. */
export class CommandError extends SwitchyardError {
  constructor(
    readonly argv: readonly string[],
    readonly commandExitCode: number | null,
    readonly stderr: string,
  ) {
    const how = commandExitCode === null ? 'was killed' : `exited with ${commandExitCode}`;
    const detail = stderr.trim().split('\n').slice(-5).join('\n');
    super(`${argv.join(' ')} ${how}${detail ? `:\n${detail}` : ''}`, 1);
  }
}

/** "200 ms", "1.5 s", "120 s": a bound as a person reads it. */
function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}

/**
 * A command ran past its bound and was stopped: exit code 1, naming the command and the bound.
 * Thrown even where a failed result was asked for (nothrow): a hung command is never an answer.
 */
export class CommandTimeoutError extends SwitchyardError {
  constructor(
    readonly argv: readonly string[],
    readonly timeoutMs: number,
  ) {
    super(`${argv.join(' ')} did not finish within ${duration(timeoutMs)} and was stopped`, 1);
  }
}

/** A file operation failed; names the operation, the path and the system's reason. */
export class HostFileError extends SwitchyardError {
  constructor(
    readonly operation: string,
    readonly path: string,
    readonly code: string | undefined,
    reason: string,
  ) {
    super(`cannot ${operation} ${path}: ${reason}${code ? ` (${code})` : ''}`, 1);
  }
}

/** Another command holds deploy.lock: exit code 3, naming who and since when. */
export class LockedError extends SwitchyardError {
  constructor(message: string) {
    super(message, 3);
  }
}

/** state.json exists but cannot be used; never guessed around, since it decides where traffic goes. */
export class StateFileError extends SwitchyardError {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`, 1);
  }
}

/** The deploy root cannot take a release: unwritable, or not enough free space. */
export class DeployRootError extends SwitchyardError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** A colour could not be started or stopped. */
export class ProcessError extends SwitchyardError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** nginx rejected its configuration or could not be driven. */
export class ProxyError extends SwitchyardError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** The code to ship cannot be described (git refuses the repository): exit code 2, nothing touched. */
export class SourceTreeError extends SwitchyardError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** SSH could not reach or log in to a server; nothing was changed there. */
export class SshError extends SwitchyardError {
  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message, exitCode);
  }
}
