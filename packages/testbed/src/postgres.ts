import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './exec';

export interface TestPostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres: trust authentication, no password. */
  url: string;
  port: number;
  /** The directory of its unix socket (host= in a libpq URL). */
  socketDir: string;
  /** The server's own log. */
  logFile: string;
  /** Stops the server (immediate: the data is thrown away) and removes its files. Idempotent. */
  stop(): Promise<void>;
}

const PORTS = { first: 19300, count: 100 };
const VERSIONS = '/usr/lib/postgresql';

/** The newest Debian PostgreSQL's bin directory (initdb, pg_ctl, psql), if one is installed. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(VERSIONS)) return undefined;
  const versions = readdirSync(VERSIONS)
    .filter((version) => existsSync(join(VERSIONS, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(VERSIONS, versions[0], 'bin');
}

const isRoot = () => process.getuid?.() === 0;

function userExists(user: string): boolean {
  try {
    execFileSync('id', ['-u', user], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Undefined when a test PostgreSQL can be started here, else why not. */
export function postgresUnavailable(): string | undefined {
  if (!postgresBinDir()) return `PostgreSQL is not installed (no ${VERSIONS}/<version>/bin/initdb; apt-get install postgresql)`;
  if (isRoot() && !userExists('postgres')) return 'running as root and there is no postgres user to run PostgreSQL as';
  return undefined;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A PostgreSQL server of its own: `initdb --no-sync` into a fresh temporary directory (0.55 s) and
 * `pg_ctl -w start` on 127.0.0.1 and a free port in 19300–19399, with its socket in that directory
 * (0.12 s). Run as the postgres user when the tests run as root (PostgreSQL refuses root). Durability
 * is switched off: the data lives only as long as the test.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const reason = postgresUnavailable();
  if (!bin || reason) throw new Error(`cannot start PostgreSQL: ${reason}`);
  const asOwner = (argv: string[]) => (isRoot() ? ['runuser', '-u', 'postgres', '--', ...argv] : argv);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const pgCtl = (...args: string[]) => run(asOwner([join(bin, 'pg_ctl'), '-D', data, ...args]), 60_000);
  let started = false;
  const stop = async () => {
    if (started) {
      started = false;
      const stopped = await pgCtl('-m', 'immediate', '-w', 'stop');
      if (stopped.code !== 0) throw new Error(`pg_ctl stop failed (${stopped.code}): ${stopped.stderr.trim()}`);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (isRoot()) {
      const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, id('-u'), id('-g'));
    }
    const initdb = await run(asOwner([join(bin, 'initdb'), '--no-sync', '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C']), 60_000);
    if (initdb.code !== 0) throw new Error(`initdb failed (${initdb.code}): ${initdb.stderr.trim()}`);
    const conf = join(data, 'postgresql.conf');
    const base = readFileSync(conf, 'utf8');
    // Settings go in the file, not in pg_ctl -o, which a shell would split.
    const settings = [`listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${dir}'`, 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off'];
    const offset = randomInt(PORTS.count);
    for (let attempt = 0; attempt < PORTS.count; attempt++) {
      const port = PORTS.first + ((offset + attempt) % PORTS.count);
      if (!(await portFree(port))) continue;
      writeFileSync(conf, base);
      appendFileSync(conf, [...settings, `port = ${port}`, ''].join('\n'));
      const start = await pgCtl('-l', logFile, '-w', '-t', '30', 'start');
      if (start.code === 0) {
        started = true;
        return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, port, socketDir: dir, logFile, stop };
      }
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      // Another test took the port between the probe and the start: try the next one.
      if (!log.includes('Address already in use')) throw new Error(`pg_ctl start failed (${start.code}): ${start.stderr.trim()}\n${log}`);
    }
    throw new Error(`no free port in ${PORTS.first}–${PORTS.first + PORTS.count - 1} for PostgreSQL`);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
