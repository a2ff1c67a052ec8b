import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type Config, UsageError } from '@switchyard/config';
import {
  checkMigration,
  type Database,
  type Finding,
  type Migration,
  pgliteDatabase,
  postgresDatabase,
  readMigrationFolder,
} from '@switchyard/migrate';
import { serverLayout } from '@switchyard/templates';

/** The migrations section, or a clear error naming the file when the config has none. */
export function migrationsOf(config: Config): NonNullable<Config['migrations']> {
  if (!config.migrations) throw new UsageError(`${config.paths.configFile}: no "migrations" section: this environment runs no migrations`);
  return config.migrations;
}

/**
 * The database the config names: PostgreSQL at the URL in its secret, or PGlite in its data
 * directory under the deploy root (this machine's: an embedded database lives where the app runs).
 */
export async function openMigrationDatabase(config: Config): Promise<Database> {
  const migrations = migrationsOf(config);
  if (migrations.database === 'postgres') {
    const url = config.secretValues[migrations.urlSecret];
    if (!url) throw new UsageError(`${config.paths.configFile}: migrations.urlSecret: the secret ${migrations.urlSecret} is not set (environment or .env)`);
    return postgresDatabase(url.reveal());
  }
  if (config.server.type !== 'local')
    throw new UsageError(
      `${config.paths.configFile}: migrations.database: "pglite" keeps its data on this machine, under the deploy root; a server reached by SSH needs "postgres"`,
    );
  const dir = serverLayout(config).pgliteDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pglite = new PGlite(dir);
  await pglite.waitReady;
  return pgliteDatabase(pglite);
}

/** The release's migrations: the folder `migrations.directory` of the source directory. */
export async function readReleaseMigrations(config: Config, sourceDir: string): Promise<{ dir: string; migrations: Migration[] }> {
  const dir = join(sourceDir, migrationsOf(config).directory);
  return { dir, migrations: await readMigrationFolder(dir) };
}

/**
 * The safety check's findings for each migration given, as it would run (its phase, in a
 * transaction or not), at lines of the file: the check reads the up section alone.
 */
export async function safetyFindings(migrations: readonly Migration[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const { path, up, phase, transaction } of migrations) {
    const found = await checkMigration({ file: path, sql: up.sql, phase, transaction });
    findings.push(...found.map((finding) => ({ ...finding, line: finding.line + up.line - 1 })));
  }
  return findings;
}

const NAME = /^[a-z][a-z0-9_]*$/;

/** migrations/NNNN_<name>.sql, numbered after the last one, with both sections to fill in; returns its path. */
export function createMigrationFile(dir: string, name: string): string {
  if (!NAME.test(name)) throw new UsageError(`migrate create: expected a name of lower-case letters, digits and "_" (add_price_to_products), got ${JSON.stringify(name)}`);
  mkdirSync(dir, { recursive: true });
  const numbers = readdirSync(dir)
    .map((file) => /^(\d{4})_.*\.sql$/.exec(file)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  const next = String(Math.max(0, ...numbers) + 1).padStart(4, '0');
  const path = join(dir, `${next}_${name}.sql`);
  writeFileSync(
    path,
    [
      '-- What this migration does, and why the old colour can live with it.',
      '-- Add "-- switchyard: contract" when it may only run once the old colour has stopped',
      '-- (dropping or renaming what the old code uses), "-- switchyard: no-transaction" for CREATE INDEX CONCURRENTLY.',
      '',
      '-- migrate:up',
      '',
      '-- migrate:down',
      '',
    ].join('\n'),
    { flag: 'wx' },
  );
  return path;
}
