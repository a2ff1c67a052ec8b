import { type Problem, formatProblem } from './problems';

/** An error the command line maps to an exit code and prints without a stack trace. */
export class SwitchyardError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 3 | 130 | 143,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command-line usage: exit code 2. */
export class UsageError extends SwitchyardError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A config with problems: exit code 2, one line per problem. */
export class ConfigError extends SwitchyardError {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'), 2);
  }
}
