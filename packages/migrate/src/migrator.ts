import type { Database, Queryable } from './database';
import { MigrationPlanError } from './errors';
import { ensureJournal, readJournal, recordApplied, recordChecksum } from './journal';
import { releaseMigrationLock, takeMigrationLock } from './lock';
import type { Migration } from './migration';
import { migrationStatus, type MigrationStatus, type Plan, planBaseline, planDown, planRepair, planRevert, planUp } from './plan';
import { runMigration, type RunContext } from './run-migration';
import type { AppliedMigration, Phase } from './schema';

export interface MigratorOptions {
  readonly db: Database;
  /** The migrations of the release, as readMigrationFolder gives them. */
  readonly migrations: readonly Migration[];
  /** lock_timeout of each migration (default 5 s): a migration waits no longer for a table lock, so it cannot queue every query of the live app behind it. */
  readonly lockTimeoutMs?: number;
  /** statement_timeout of each migration's statements; the server's own (normally none) when not given. */
  readonly statementTimeoutMs?: number;
  /** How long a run waits for another run's migration lock (default 60 s). */
  readonly lockWaitMs?: number;
  /** Recorded with each migration it applies. */
  readonly deployId?: string;
  readonly onEvent?: (event: MigrationEvent) => void;
}

export type MigrationEvent =
  | { readonly type: 'waiting-for-lock'; readonly holder: string }
  | { readonly type: 'start'; readonly direction: 'up' | 'down'; readonly migration: Migration }
  | { readonly type: 'done'; readonly direction: 'up' | 'down'; readonly migration: Migration; readonly durationMs: number };

export interface RunStep {
  readonly migration: Migration;
  /** The SQL that ran, or in a dry run would run. */
  readonly sql: string;
  /** Absent in a dry run. */
  readonly durationMs?: number;
}

export interface RunReport {
  readonly direction: 'up' | 'down';
  readonly dryRun: boolean;
  readonly steps: RunStep[];
}

export interface UpOptions {
  /** expand: only the pending expand migrations; contract (the default): everything pending. */
  readonly phase?: Phase;
  readonly allowOutOfOrder?: boolean;
  /** Only say what would run, with its SQL; takes no lock and changes nothing. */
  readonly dryRun?: boolean;
}

export interface DownOptions {
  /** The migration to go back to: it stays applied, every one after it is reverted, newest first. */
  readonly to: string;
  readonly dryRun?: boolean;
}

export interface RevertOptions {
  /** Applied migrations to revert, whatever was applied after them: newest first, as they ran. */
  readonly names: readonly string[];
  readonly dryRun?: boolean;
}

export interface Migrator {
  up(options?: UpOptions): Promise<RunReport>;
  down(options: DownOptions): Promise<RunReport>;
  /** What a rollback does: reverts the migrations the release it goes back to does not know. */
  revert(options: RevertOptions): Promise<RunReport>;
  /** Records every migration up to `to`, included, as applied without running it: for a database that already has their effect. */
  baseline(options: { to: string }): Promise<Migration[]>;
  /** Accepts the current checksum of every edited migration; returns them. */
  repair(): Promise<Migration[]>;
  status(): Promise<MigrationStatus[]>;
}

const checked = (plan: Plan): Migration[] => {
  if (plan.problems.length > 0) throw new MigrationPlanError(plan.problems);
  return plan.migrations;
};

/**
 * Runs migrations against a database in the image of umzug (up, down to a name, pending and
 * applied), with what a zero-downtime deploy needs besides: two phases, checksums, one session
 * holding an advisory lock for the whole run, one transaction per migration with a lock_timeout.
 */
export function createMigrator(options: MigratorOptions): Migrator {
  const { db, migrations } = options;
  const lockTimeoutMs = options.lockTimeoutMs ?? 5_000;
  const lockWaitMs = options.lockWaitMs ?? 60_000;
  const emit = (event: MigrationEvent) => options.onEvent?.(event);

  /** Plans and acts under the lock, on one session: what is read is still true when acted on. */
  const locked = <T>(work: (session: Queryable, applied: AppliedMigration[]) => Promise<T>) =>
    db.session(
      async (session) => {
        await takeMigrationLock(session, lockWaitMs, (holder) => emit({ type: 'waiting-for-lock', holder }));
        try {
          await ensureJournal(session);
          return await work(session, await readJournal(session));
        } finally {
          // Ending a PostgreSQL session releases it anyway, but PGlite's one backend outlives the session.
          // A lost connection has released it already: its error, not this one's, is the one to report.
          await releaseMigrationLock(session).catch(() => undefined);
        }
      },
      { waitMs: lockWaitMs },
    );

  const run = async (direction: 'up' | 'down', plan: (applied: AppliedMigration[]) => Plan, dryRun: boolean): Promise<RunReport> => {
    const sqlOf = (migration: Migration) => (direction === 'up' ? migration.up.sql : (migration.down?.sql ?? ''));
    if (dryRun) {
      const planned = checked(plan(await readJournal(db)));
      return { direction, dryRun, steps: planned.map((migration) => ({ migration, sql: sqlOf(migration) })) };
    }
    return locked(async (session, applied) => {
      const planned = checked(plan(applied));
      const pid = db.singleConnection ? undefined : (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      const context: RunContext = { db, session, pid, lockTimeoutMs, statementTimeoutMs: options.statementTimeoutMs, deployId: options.deployId };
      const steps: RunStep[] = [];
      for (const migration of planned) {
        emit({ type: 'start', direction, migration });
        const durationMs = await runMigration(context, migration, direction);
        emit({ type: 'done', direction, migration, durationMs });
        steps.push({ migration, sql: sqlOf(migration), durationMs });
      }
      return { direction, dryRun, steps };
    });
  };

  /** Changes to the journal alone, all or nothing. */
  const record = (plan: (applied: AppliedMigration[]) => Plan, write: (session: Queryable, migration: Migration) => Promise<void>) =>
    locked(async (session, applied) => {
      const planned = checked(plan(applied));
      await session.query('BEGIN');
      try {
        for (const migration of planned) await write(session, migration);
        await session.query('COMMIT');
      } catch (error) {
        await session.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      return planned;
    });

  return {
    up: (upOptions = {}) =>
      run(
        'up',
        (applied) => planUp(migrations, applied, { phase: upOptions.phase ?? 'contract', allowOutOfOrder: upOptions.allowOutOfOrder ?? false }),
        upOptions.dryRun ?? false,
      ),
    down: (downOptions) => run('down', (applied) => planDown(migrations, applied, downOptions.to), downOptions.dryRun ?? false),
    revert: (revertOptions) => run('down', (applied) => planRevert(migrations, applied, revertOptions.names), revertOptions.dryRun ?? false),
    baseline: ({ to }) =>
      record(
        (applied) => planBaseline(migrations, applied, to),
        (session, migration) => recordApplied(session, migration, null, options.deployId),
      ),
    repair: () => record((applied) => planRepair(migrations, applied), recordChecksum),
    status: async () => migrationStatus(migrations, await readJournal(db)),
  };
}
