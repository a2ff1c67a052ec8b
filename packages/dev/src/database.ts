import { type Config, SwitchyardError, UsageError } from '@switchyard/config';
import { ensureEmbeddedDatabase, embeddedDatabaseRuns } from '@switchyard/deploy/embedded-database';
import { localHost } from '@switchyard/host';
import { postgresDatabase } from '@switchyard/migrate';
import { serverLayout } from '@switchyard/templates';
import type { PartOutcome } from './parts';

type Outcome = Omit<PartOutcome, 'name' | 'ms'>;

/** PostgreSQL's "database does not exist". */
const NO_SUCH_DATABASE = '3D000';

/** Where a URL points, for messages: never its password. */
function describe(url: URL): string {
  const host = url.searchParams.get('host') ?? (url.hostname || 'localhost');
  return `database "${databaseName(url)}" on ${host}${url.port ? `:${url.port}` : ''}`;
}

const databaseName = (url: URL) => decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

function urlOf(config: Config): URL {
  const secret = config.migrations!.urlSecret;
  const value = config.secretValues[secret];
  if (!value) throw new UsageError(`${config.paths.configFile}: migrations.urlSecret: ${secret} is not set (.env.local or the environment)`);
  try {
    return new URL(value.reveal());
  } catch {
    throw new UsageError(`${config.paths.configFile}: migrations.urlSecret: ${secret} is not a URL; expected postgresql://user:password@host:5432/database`);
  }
}

/** `select version()` at the URL: the server's version, or the error PostgreSQL (or the network) gave. */
async function version(url: URL): Promise<{ version: string } | { code: string | undefined; message: string }> {
  const db = postgresDatabase({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  try {
    const { rows } = await db.query<{ server_version: string }>('SHOW server_version');
    return { version: rows[0]?.server_version ?? '?' };
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** Whether the environment has a database dev:setup can make ready: SQL migrations, not an app's own tool's. */
export const hasDatabase = (config: Config): boolean => config.migrations !== undefined && config.migrations.command === undefined;

/**
 * The local environment's database, ready before the deploy migrates it: the embedded one started
 * (migrations.database "pglite"), or PostgreSQL answering at DATABASE_URL, its database created
 * when the server says it does not exist (a developer's first run). Only where hasDatabase.
 */
export async function ensureDatabase(config: Config): Promise<Outcome> {
  const migrations = config.migrations!;
  if (migrations.database === 'pglite') {
    const { started, pid } = await ensureEmbeddedDatabase(config, localHost());
    const where = serverLayout(config).pgliteDir;
    return started ? { outcome: 'changed', detail: `started the embedded database (PGlite, pid ${pid}) on ${where}` } : { outcome: 'unchanged', detail: `the embedded database runs (pid ${pid})` };
  }
  const url = urlOf(config);
  const found = await version(url);
  if ('version' in found) return { outcome: 'unchanged', detail: `${describe(url)} answers (PostgreSQL ${found.version})` };
  if (found.code !== NO_SUCH_DATABASE) throw new SwitchyardError(`${describe(url)} does not answer: ${found.message}; start PostgreSQL (apt-get install postgresql; systemctl start postgresql) or fix ${migrations.urlSecret}`, 1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const db = postgresDatabase({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await db.query(`CREATE DATABASE ${quoteIdentifier(databaseName(url))}`);
  } catch (error) {
    throw new SwitchyardError(`${describe(url)} does not exist and could not be created: ${(error as Error).message}`, 1);
  } finally {
    await db.close().catch(() => undefined);
  }
  return { outcome: 'changed', detail: `created ${describe(url)}` };
}

/** `--check`: the database's problem, if it has one, as one line. */
export async function databaseProblem(config: Config): Promise<string | undefined> {
  const migrations = config.migrations;
  if (!migrations || !hasDatabase(config)) return undefined;
  if (migrations.database === 'pglite') {
    if (await embeddedDatabaseRuns(config, localHost())) return undefined;
    const layout = serverLayout(config);
    return `database: the embedded database is not running (its data: ${layout.pgliteDir}; its log: ${layout.pgliteLog}); pnpm dev:setup starts it`;
  }
  if (!config.secretValues[migrations.urlSecret]) return undefined; // the secrets' own line says so
  const url = urlOf(config);
  const found = await version(url);
  if ('version' in found) return undefined;
  return found.code === NO_SUCH_DATABASE ? `database: ${describe(url)} does not exist; pnpm dev:setup creates it` : `database: ${describe(url)} does not answer: ${found.message}`;
}
