import { SwitchyardError } from '@switchyard/config';

/** Something wrong in or about a migration file, placed at its line when it has one. */
export interface FileProblem {
  /** The file as it was read (the folder joined with its name). */
  readonly path: string;
  readonly line?: number;
  readonly message: string;
}

export function formatFileProblem(problem: FileProblem): string {
  return `${problem.path}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.message}`;
}

/** Migration files that cannot be read as migrations: exit code 2, one line per problem, every file at once. */
export class MigrationFileError extends SwitchyardError {
  constructor(readonly problems: readonly FileProblem[]) {
    super(problems.map(formatFileProblem).join('\n'), 2);
  }
}

/**
 * The files and what the database has applied disagree (an edited migration, a new one below the
 * last applied, a target that does not exist): exit code 2, nothing was run.
 */
export class MigrationPlanError extends SwitchyardError {
  constructor(readonly problems: readonly FileProblem[]) {
    super(problems.map(formatFileProblem).join('\n'), 2);
  }
}

/** Another run holds the migration lock past the wait: exit code 3, naming who and since when. */
export class MigrationLockedError extends SwitchyardError {
  constructor(message: string) {
    super(message, 3);
  }
}

/** A migration failed: its own changes were rolled back (unless it runs outside a transaction), the ones before it stay. */
export class MigrationFailedError extends SwitchyardError {
  constructor(
    message: string,
    readonly path: string,
    readonly line: number,
    /** The database's SQLSTATE, when it gave one. */
    readonly sqlState: string | undefined,
    /** A lock timeout: running the same migration again may well succeed. */
    readonly retryable: boolean,
  ) {
    super(message, 1);
  }
}
