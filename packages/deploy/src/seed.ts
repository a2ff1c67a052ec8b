import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, UsageError } from '@switchyard/config';
import { splitStatements } from '@switchyard/migrate';
import { DeployFailed } from './errors';
import { withEnvironmentDatabase } from './migrations';

/** Where each seed file loaded is recorded, so that a second run loads it no more. */
const SEEDS_TABLE = 'switchyard_seeds';

export type SeedOutcome = { loaded: true; file: string; statements: number; ms: number } | { loaded: false; file: string; seededAt: string };

/**
 * Loads `migrations.seed` of the release in `releaseDir` into the environment's database once: in
 * one transaction with the row that records it, so a failed seed leaves nothing behind and is tried
 * again by the next run. A file already recorded (by name) is not loaded again, whatever it holds
 * now: seed data is a starting point, and a developer's rows since then are theirs.
 */
export async function seedDatabase(config: Config, releaseDir: string): Promise<SeedOutcome> {
  const seed = config.migrations?.seed;
  if (!seed) throw new UsageError(`${config.paths.configFile}: migrations.seed: not set; expected the SQL file of sample data to load`);
  const path = join(releaseDir, seed);
  let sql: string;
  try {
    sql = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${config.paths.configFile}: migrations.seed: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const sha256 = createHash('sha256').update(sql).digest('hex');
  return withEnvironmentDatabase(config, {}, (db) =>
    db.session(async (session) => {
      await session.query(`CREATE TABLE IF NOT EXISTS ${SEEDS_TABLE} (file text PRIMARY KEY, sha256 text NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())`);
      const done = await session.query<{ seeded_at: Date }>(`SELECT seeded_at FROM ${SEEDS_TABLE} WHERE file = $1`, [seed]);
      if (done.rows[0]) return { loaded: false, file: seed, seededAt: new Date(done.rows[0].seeded_at).toISOString() };
      const started = performance.now();
      const statements = splitStatements(sql, 1);
      await session.query('BEGIN');
      try {
        for (const statement of statements) {
          await session.query(statement.sql).catch((error: unknown) => {
            throw new DeployFailed(`${path}:${statement.line}: ${(error as Error).message}; nothing of the seed was loaded`);
          });
        }
        await session.query(`INSERT INTO ${SEEDS_TABLE} (file, sha256) VALUES ($1, $2)`, [seed, sha256]);
        await session.query('COMMIT');
      } catch (error) {
        await session.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      return { loaded: true, file: seed, statements: statements.length, ms: performance.now() - started };
    }),
  );
}
