import type { Queryable } from './database';
import { MigrationPlanError } from './errors';
import type { Migration } from './migration';
import { type AppliedMigration, appliedMigrationSchema } from './schema';

/** The table that records what is applied; created in the first schema of the search_path, like any unqualified table. */
export const JOURNAL_TABLE = 'switchyard_migrations';

const CREATE = `CREATE TABLE IF NOT EXISTS ${JOURNAL_TABLE} (
  name text PRIMARY KEY,
  sha256 text NOT NULL,
  phase text NOT NULL CHECK (phase IN ('expand', 'contract')),
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer,
  deploy_id text
)`;

/** Creates the table when missing; run under the migration lock, where no other runner races the CREATE. */
export async function ensureJournal(db: Queryable): Promise<void> {
  await db.query(CREATE);
}

/** What the database has applied, in name order; nothing when the table does not exist yet (a read never creates it). */
export async function readJournal(db: Queryable): Promise<AppliedMigration[]> {
  const [exists] = (await db.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [JOURNAL_TABLE])).rows;
  if (!exists?.found) return [];
  const { rows } = await db.query(`SELECT name, sha256, phase, applied_at, duration_ms, deploy_id FROM ${JOURNAL_TABLE} ORDER BY name`);
  return rows.map((row) => {
    const parsed = appliedMigrationSchema.safeParse(row);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new MigrationPlanError([{ path: JOURNAL_TABLE, message: `the row of ${JSON.stringify(row.name)} is not as Switchyard writes it: ${issue?.path.join('.')}: ${issue?.message}` }]);
  });
}

/** Records a migration as applied; `durationMs` null for a baseline, which ran nothing. */
export async function recordApplied(db: Queryable, migration: Migration, durationMs: number | null, deployId: string | undefined): Promise<void> {
  await db.query(`INSERT INTO ${JOURNAL_TABLE} (name, sha256, phase, duration_ms, deploy_id) VALUES ($1, $2, $3, $4, $5)`, [
    migration.name,
    migration.sha256,
    migration.phase,
    durationMs,
    deployId ?? null,
  ]);
}

export async function recordReverted(db: Queryable, migration: Migration): Promise<void> {
  await db.query(`DELETE FROM ${JOURNAL_TABLE} WHERE name = $1`, [migration.name]);
}

/** Accepts the file as it is now (repair). */
export async function recordChecksum(db: Queryable, migration: Migration): Promise<void> {
  await db.query(`UPDATE ${JOURNAL_TABLE} SET sha256 = $2, phase = $3 WHERE name = $1`, [migration.name, migration.sha256, migration.phase]);
}
