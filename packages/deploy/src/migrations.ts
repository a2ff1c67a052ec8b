import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Config, SwitchyardError, UsageError } from '@switchyard/config';
import {
  checkMigration,
  createMigrator,
  type Database,
  type Finding,
  formatFinding,
  type Migration,
  pgliteDatabase,
  postgresDatabase,
  readMigrationFolder,
} from '@switchyard/migrate';
import type { Host } from '@switchyard/host';
import { serverLayout } from '@switchyard/templates';
import type { ShipSource } from './actions';
import { connect, type ConnectOptions, serversOf } from './runtime';

/** The migrations section, or a clear error naming the file when the config has none. */
export function migrationsOf(config: Config): NonNullable<Config['migrations']> {
  if (!config.migrations) throw new UsageError(`${config.paths.configFile}: no "migrations" section: this environment runs no migrations`);
  return config.migrations;
}

/**
 * The database the config names: PostgreSQL at the URL in its secret, or PGlite in its data
 * directory under the deploy root (this machine's: an embedded database lives where the app runs).
 */
export async function openMigrationDatabase(config: Config, host?: Host): Promise<Database> {
  const migrations = migrationsOf(config);
  if (migrations.database === 'postgres') {
    const url = config.secretValues[migrations.urlSecret];
    if (!url) throw new UsageError(`${config.paths.configFile}: migrations.urlSecret: the secret ${migrations.urlSecret} is not set (environment or .env)`);
    return postgresDatabase(host ? await throughServer(config, url.reveal(), host) : url.reveal());
  }
  if (config.server.type !== 'local')
    throw new UsageError(
      `${config.paths.configFile}: migrations.database: "pglite" keeps its data on this machine, under the deploy root; a server reached by SSH needs "postgres"`,
    );
  const dir = serverLayout(config).pgliteDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Loaded here, not with the command: its WebAssembly is for the commands that open a database.
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = new PGlite(dir);
  await pglite.waitReady;
  return pgliteDatabase(pglite);
}

/**
 * The URL, led through the server's SSH connection when the server is another machine: the
 * database address is the one the server uses (often reachable from it alone). libpq's `host=` of
 * a directory makes the client connect to `<dir>/.s.PGSQL.<port>`, where the tunnel's socket is.
 */
async function throughServer(config: Config, connection: string, host: Host): Promise<string> {
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new UsageError(`${config.paths.configFile}: migrations.urlSecret: ${config.migrations?.urlSecret} is not a URL (postgresql://user:password@host:port/database)`);
  }
  const port = Number(url.port || 5432);
  const address = url.searchParams.get('host') ?? url.hostname.replace(/^\[|\]$/g, '');
  const socket = await host.tunnel(address || 'localhost', port, `.s.PGSQL.${port}`);
  if (socket === undefined) return connection;
  url.searchParams.set('host', dirname(socket));
  url.port = String(port);
  return url.toString();
}

/**
 * Runs `use` with the environment's database open, reached as its first server reaches it (through
 * that server's SSH connection when it is another machine), and closes both afterwards.
 */
export async function withEnvironmentDatabase<T>(config: Config, options: ConnectOptions, use: (db: Database) => Promise<T>): Promise<T> {
  const primary = serversOf(config, options)[0];
  const host = primary?.target && migrationsOf(config).database === 'postgres' ? await connect(primary) : undefined;
  try {
    const db = await openMigrationDatabase(config, host);
    try {
      return await use(db);
    } finally {
      await db.close();
    }
  } finally {
    host?.close();
  }
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

/**
 * The migrations of a release's source, read on this machine (which then reaches the database):
 * a directory's folder, or the folder of the commit a git source names.
 */
export async function sourceMigrations(config: Config, source: ShipSource): Promise<Migration[]> {
  const directory = migrationsOf(config).directory;
  if (source.type === 'path') return existsSync(join(source.dir, directory)) ? (await readReleaseMigrations(config, source.dir)).migrations : [];
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-migrations-'));
  try {
    const archive = spawnSync('git', ['-C', source.mirror, 'archive', '--format=tar', source.commit, '--', directory], { maxBuffer: 1 << 30 });
    // A commit without the folder has no migrations: git says so, and there is nothing to read.
    if (archive.status !== 0) return [];
    const unpacked = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
    if (unpacked.status !== 0) throw new Error(`cannot unpack ${directory} of ${source.commit}: ${unpacked.stderr.toString().trim()}`);
    return await readMigrationFolder(join(dir, directory));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A deploy's migrate step: the pending migrations of a phase, the expand ones after the safety
 * check; each applied one is said. Returns nothing to do as a note, never an error.
 */
export async function runPhase(
  config: Config,
  host: Host,
  source: ShipSource,
  phase: 'expand' | 'contract',
  deployId: string,
  note: (message: string) => void,
): Promise<void> {
  const migrations = await sourceMigrations(config, source);
  if (migrations.length === 0) return note(`no migrations in ${migrationsOf(config).directory}/`);
  const db = await openMigrationDatabase(config, host);
  try {
    const migrator = createMigrator({ db, migrations, deployId, onEvent: (event) => event.type === 'waiting-for-lock' && note(`waiting for another migration run: ${event.holder}`) });
    const planned = await migrator.up({ phase, dryRun: true });
    const findings = phase === 'expand' ? await safetyFindings(planned.steps.map((step) => step.migration)) : [];
    if (findings.length > 0) throw new UnsafeMigrations(findings.map(formatFinding));
    const report = await migrator.up({ phase });
    for (const step of report.steps) note(`applied ${step.migration.name} in ${step.durationMs} ms`);
    if (report.steps.length === 0) note(`no ${phase} migration pending`);
  } finally {
    await db.close();
  }
}

/** The safety check refused: exit 1, nothing of the phase ran. */
export class UnsafeMigrations extends SwitchyardError {
  constructor(lines: string[]) {
    super(`${lines.join('\n')}\nthe safety check refuses ${lines.length === 1 ? 'this migration' : 'these migrations'}; nothing ran`, 1);
  }
}
