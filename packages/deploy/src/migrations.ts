import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Config, SwitchyardError, UsageError } from '@switchyard/config';
import {
  checkMigration,
  createMigrator,
  type Database,
  type FileProblem,
  type Finding,
  formatFinding,
  type Migration,
  MigrationFileError,
  parseMigration,
  pgliteDatabase,
  postgresDatabase,
  readMigrationFolder,
} from '@switchyard/migrate';
import { acquireLock, type Host, localHost, LockedError } from '@switchyard/host';
import { embeddedDatabaseUrl, serverLayout } from '@switchyard/templates';
import type { ShipSource } from './actions';
import { embeddedDatabaseRuns } from './embedded-database';
import { connect, type ConnectOptions, serversOf } from './runtime';

/** The migrations section, or a clear error naming the file when the config has none. */
export function migrationsOf(config: Config): NonNullable<Config['migrations']> {
  if (!config.migrations) throw new UsageError(`${config.paths.configFile}: no "migrations" section: this environment runs no migrations`);
  return config.migrations;
}

/** How long a command waits for another one that has the embedded database open. */
const PGLITE_WAIT_MS = 60_000;

/**
 * The database the config names: PostgreSQL at the URL in its secret, or PGlite in its data
 * directory under the deploy root (this machine's: an embedded database lives where the app runs),
 * through its server's socket while that runs, opened here otherwise.
 */
export interface OpenOptions {
  /** Names the command in the embedded database's lock, for the one that has to wait. */
  deployId?: string;
  /** `status`: an embedded database that does not exist yet is not created, and one that is open elsewhere is not waited for. */
  readOnly?: boolean;
}

export async function openMigrationDatabase(config: Config, host?: Host, options: OpenOptions = {}): Promise<Database> {
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
  const layout = serverLayout(config);
  // While its server runs, the server holds the directory: every command goes through its socket, as the app does.
  if (await embeddedDatabaseRuns(config, localHost())) return postgresDatabase(embeddedDatabaseUrl(layout));
  const dir = layout.pgliteDir;
  if (options.readOnly && !existsSync(dir)) throw new UsageError(`the embedded database ${dir} does not exist yet: the first deploy or pnpm migrate creates it`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // PGlite takes no lock on its data directory, and two processes that open it at once corrupt it
  // (electric-sql/pglite#1106): every command that opens it holds this one first.
  const wait = options.readOnly ? {} : { waitMs: PGLITE_WAIT_MS };
  const lock = await acquireLock(`${dir}.lock`, { command: commandLine(), deployId: options.deployId ?? 'migrate' }, wait).catch((error: unknown) => {
    if (error instanceof LockedError) throw new LockedError(`the embedded database ${dir} is open in another command: ${error.message}`);
    throw error;
  });
  try {
    // Loaded here, not with the command: its WebAssembly is for the commands that open a database.
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = new PGlite(dir);
    await pglite.waitReady;
    const db = pgliteDatabase(pglite);
    return {
      ...db,
      close: async () => {
        try {
          await db.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

const commandLine = () => ['switchyard', ...process.argv.slice(2)].join(' ');

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

/**
 * The migrations of a folder on a server (a release's): read through the host, so a rollback finds
 * a release's down SQL where the release is. A release without the folder has none.
 */
export async function readHostMigrations(host: Host, dir: string): Promise<Migration[]> {
  const problems: FileProblem[] = [];
  const migrations: Migration[] = [];
  for (const name of (await host.listDir(dir)).filter((file) => file.endsWith('.sql')).sort()) {
    const path = join(dir, name);
    const parsed = parseMigration(path, Buffer.from((await host.readFile(path)) ?? '', 'utf8'));
    if (parsed.migration) migrations.push(parsed.migration);
    else problems.push(...parsed.problems);
  }
  if (problems.length > 0) throw new MigrationFileError(problems);
  return migrations;
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
  migrations: readonly Migration[],
  phase: 'expand' | 'contract',
  deployId: string,
  note: (message: string) => void,
): Promise<void> {
  if (migrations.length === 0) return note(`no migrations in ${migrationsOf(config).directory}/`);
  const db = await openMigrationDatabase(config, host, { deployId });
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
