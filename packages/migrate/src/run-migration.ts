import type { Database, Queryable } from './database';
import { MigrationFailedError } from './errors';
import { migrationFailure } from './failure';
import { recordApplied, recordReverted } from './journal';
import { watchLockWaits } from './lock-watch';
import type { Migration, MigrationSection } from './migration';

export interface RunContext {
  readonly db: Database;
  readonly session: Queryable;
  /** The session's backend, for the lock watch; undefined on a single-connection database, where nothing can hold a lock against it. */
  readonly pid: number | undefined;
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number | undefined;
  readonly deployId: string | undefined;
}

/** lock_timeout and statement_timeout: for the transaction (SET LOCAL) or, outside one, for the session until reset. */
async function setTimeouts(context: RunContext, local: boolean): Promise<void> {
  await context.session.query("SELECT set_config('lock_timeout', $1, $2)", [`${context.lockTimeoutMs}ms`, local]);
  if (context.statementTimeoutMs !== undefined) {
    await context.session.query("SELECT set_config('statement_timeout', $1, $2)", [`${context.statementTimeoutMs}ms`, local]);
  }
}

async function runStatements(context: RunContext, migration: Migration, section: MigrationSection): Promise<void> {
  for (const statement of section.statements) {
    const watch = context.pid === undefined ? undefined : watchLockWaits(context.db, context.pid, Math.max(50, context.lockTimeoutMs / 3));
    try {
      await context.session.query(statement.sql);
    } catch (error) {
      throw migrationFailure(error, migration, statement, await watch?.stop());
    } finally {
      await watch?.stop();
    }
  }
}

/**
 * Applies (up) or reverts (down) one migration and records it, in one transaction unless the
 * migration opts out: then a failure leaves its earlier statements applied and nothing recorded.
 * Returns how long it took, in milliseconds.
 */
export async function runMigration(context: RunContext, migration: Migration, direction: 'up' | 'down'): Promise<number> {
  const section = direction === 'up' ? migration.up : migration.down;
  if (!section) throw new Error(`${migration.path} has no ${direction} SQL`);
  const started = performance.now();
  const record = async (durationMs: number) => {
    if (direction === 'up') await recordApplied(context.session, migration, durationMs, context.deployId);
    else await recordReverted(context.session, migration);
  };
  if (!migration.transaction) {
    await setTimeouts(context, false);
    try {
      await runStatements(context, migration, section);
    } finally {
      await context.session.query('RESET lock_timeout');
      await context.session.query('RESET statement_timeout');
    }
    const durationMs = Math.round(performance.now() - started);
    await record(durationMs);
    return durationMs;
  }
  await context.session.query('BEGIN');
  try {
    await setTimeouts(context, true);
    await runStatements(context, migration, section);
    const durationMs = Math.round(performance.now() - started);
    await record(durationMs);
    await context.session.query('COMMIT');
    return durationMs;
  } catch (error) {
    // A lost connection has rolled back already; its error, not ROLLBACK's, says what happened.
    await context.session.query('ROLLBACK').catch(() => undefined);
    if (error instanceof MigrationFailedError) throw error;
    // COMMIT itself failed (a deferred constraint): no statement to blame, so the section's first line.
    throw migrationFailure(error, migration, { sql: section.sql, line: section.line }, undefined);
  }
}
