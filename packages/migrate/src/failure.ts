import { MigrationFailedError } from './errors';
import type { LockWait } from './lock-watch';
import type { Migration } from './migration';
import type { Statement } from './statements';

interface DatabaseErrorFields {
  code?: unknown;
  position?: unknown;
  detail?: unknown;
  hint?: unknown;
  message?: unknown;
}

const field = (error: unknown, name: keyof DatabaseErrorFields): string | undefined => {
  const value = error !== null && typeof error === 'object' ? (error as DatabaseErrorFields)[name] : undefined;
  return typeof value === 'string' && value ? value : undefined;
};

/** The SQLSTATE of a database error (pg and PGlite both raise pg-protocol's DatabaseError). */
export const sqlState = (error: unknown) => field(error, 'code');

/** The line of the file the error points at: the statement's own line, moved down to the error's position when the database gives one. */
export function failedLine(statement: Statement, error: unknown): number {
  const position = Number(field(error, 'position'));
  if (!Number.isInteger(position) || position < 1) return statement.line;
  return statement.line + (statement.sql.slice(0, position - 1).match(/\n/g)?.length ?? 0);
}

function describeWait(wait: LockWait | undefined, statement: Statement): string {
  if (!wait) return `it waited for a lock that statement needs: ${statement.sql.split('\n')[0]}`;
  const on = wait.relation ? `${wait.mode} on ${wait.relation}` : `${wait.mode} (${wait.locktype})`;
  const holders = wait.holders.map((holder) => {
    const what = [holder.application ? `"${holder.application}"` : '', holder.state ?? '', holder.since ? `in a transaction since ${holder.since}` : '']
      .filter(Boolean)
      .join(', ');
    return `pid ${holder.pid}${holder.modes ? ` holding ${holder.modes}` : ''} (${what})${holder.query ? `, last statement: ${holder.query}` : ''}`;
  });
  return `it waited for ${on}${holders.length > 0 ? `, held by ${holders.join('; ')}` : ''}`;
}

/**
 * The error that ends a run: the file and line, the database's own words and code, what became of
 * the migration's changes, and for a lock timeout the lock it waited for and that a retry may work.
 */
export function migrationFailure(
  error: unknown,
  migration: Migration,
  statement: Statement,
  wait: LockWait | undefined,
): MigrationFailedError {
  const line = failedLine(statement, error);
  const code = sqlState(error);
  const lines = [`${migration.path}:${line}: ${field(error, 'message') ?? String(error)}${code ? ` (SQLSTATE ${code})` : ''}`];
  const detail = field(error, 'detail');
  const hint = field(error, 'hint');
  if (detail) lines.push(`  detail: ${detail}`);
  if (hint) lines.push(`  hint: ${hint}`);
  const retryable = code === '55P03';
  if (retryable) lines.push(`  ${describeWait(wait, statement)}`);
  lines.push(
    migration.transaction
      ? `  ${migration.name} was rolled back as a whole; the migrations before it stay applied${retryable ? '; run it again once that lock is free' : ''}`
      : `  ${migration.name} runs outside a transaction: its statements before line ${statement.line} stay applied; ` +
          'make it safe to run again (IF NOT EXISTS; drop an INVALID index a failed CREATE INDEX CONCURRENTLY leaves) before retrying',
  );
  return new MigrationFailedError(lines.join('\n'), migration.path, line, code, retryable);
}
