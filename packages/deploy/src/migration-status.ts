import { join } from 'node:path';
import type { Config } from '@switchyard/config';
import type { Host } from '@switchyard/host';
import { createMigrator, type Phase } from '@switchyard/migrate';
import { migrationsOf, openMigrationDatabase, readHostMigrations } from './migrations';

/** The live release's migrations that are not applied, or why the database could not be read. */
export type MigrationsSeen = { pending: { name: string; phase: Phase }[] } | { unreadable: string };

/**
 * What status shows of the database: the live release's migrations not applied yet, mostly the
 * contract ones a deploy left waiting because the old colour was kept warm. Read only; a database
 * that cannot be reached is said, never an error of status.
 */
export async function liveMigrations(config: Config, host: Host, releaseDir: string): Promise<MigrationsSeen> {
  try {
    const migrations = await readHostMigrations(host, join(releaseDir, migrationsOf(config).directory));
    if (migrations.length === 0) return { pending: [] };
    const db = await openMigrationDatabase(config, host, { readOnly: true });
    try {
      const statuses = await createMigrator({ db, migrations }).status();
      return { pending: statuses.filter((s) => s.state === 'pending').map(({ name, phase }) => ({ name, phase })) };
    } finally {
      await db.close();
    }
  } catch (error) {
    return { unreadable: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
}
