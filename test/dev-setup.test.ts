import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processesUnder } from '@switchyard/demo';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/cli';
import { postgresUnavailable, startTestPostgres } from '@switchyard/testbed';
import { get, reservePort } from './support/deploy-project';

/*
 * pnpm dev:setup as a new team member runs it: a fresh clone of this repository in a temp folder,
 * its own install and build, then one command. The clone's config/local.json is the repository's,
 * moved to a root and port of the test's own, with plain processes (the machine's one systemd user
 * manager is other tests' too).
 */

type Run = SpawnSyncReturns<string>;

interface Clone {
  dir: string;
  clone: string;
  root: string;
  port: number;
  pnpm(args: string[], env?: NodeJS.ProcessEnv): Run;
}

/** A fresh clone of this repository, installed as the README has it, its local.json moved to the test's root and port and patched. */
async function freshClone(preferredPort: number, patch: Record<string, unknown>, onTestFinished: (fn: () => void) => void): Promise<Clone> {
  const reserved = await reservePort(preferredPort);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-dev-setup-'));
  // mkdtemp makes it 0700; the root under it must be reachable by nginx's workers, as /tmp/switchyard (local.json's) is.
  chmodSync(dir, 0o755);
  const clone = join(dir, 'clone');
  const root = join(dir, 'srv');
  const pnpm = (args: string[], env: NodeJS.ProcessEnv = process.env): Run =>
    spawnSync('pnpm', ['-s', ...args], { cwd: clone, encoding: 'utf8', timeout: 240_000, env: { ...env, FORCE_COLOR: '0' } });
  onTestFinished(() => {
    pnpm(['dev:down']);
    for (const pid of processesUnder(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    rmSync(dir, { recursive: true, force: true });
    reserved.release();
  });

  const git = spawnSync('git', ['clone', '-q', REPO, clone], { encoding: 'utf8' });
  expect(git.status, git.stderr).toBe(0);
  // As the README has it: pnpm install (which builds the commands), then pnpm dev:setup.
  const install = pnpm(['install', '--offline', '--frozen-lockfile', '--reporter=silent']);
  expect(install.status, install.stderr).toBe(0);
  const localJson = join(clone, 'config/local.json');
  const local = JSON.parse(readFileSync(localJson, 'utf8'));
  writeFileSync(
    localJson,
    JSON.stringify({
      ...local,
      server: { ...local.server, root },
      nginx: { ...local.nginx, listen: { ...local.nginx.listen, port: reserved.port } },
      assets: { ...local.assets, directory: join(root, 'assets') },
      supervisor: 'plain',
      ...patch,
    }),
  );
  return { dir, clone, root, port: reserved.port, pnpm };
}

describe('pnpm dev:setup on a fresh clone', () => {
  it('gets the app answering with its database, changes nothing the second time, names every problem with --check, refuses an .env.local git would commit; dev:down stops it', { timeout: 400_000 }, async ({ onTestFinished }) => {
    const { dir, clone, root, port, pnpm } = await freshClone(19198, {}, onTestFinished);

    const first = pnpm(['dev:setup', '--yes']);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    for (const part of ['prerequisites', 'secrets', 'database', 'deploy', 'seed', 'health']) expect(first.stdout).toMatch(new RegExp(`^ {2}${part} +[\\d.]+ s `, 'm'));
    expect(first.stdout).toMatch(/^ {2}database +[\d.]+ s +started the embedded database \(PGlite, pid \d+\)/m);
    expect(first.stdout).toMatch(/^ {2}total +[\d.]+ s +changed: secrets, database, deploy, seed$/m);
    expect(first.stdout).toContain(`the app: http://localhost:${port}`);
    // The secret it generated went to .env.local, readable by its owner alone, and nowhere else.
    const envLocal = join(clone, '.env.local');
    expect(statSync(envLocal).mode & 0o777).toBe(0o600);
    const secret = /^SESSION_SECRET='([0-9a-f]{64})'$/m.exec(readFileSync(envLocal, 'utf8'))?.[1];
    expect(secret).toBeDefined();
    expect(first.stdout + first.stderr).not.toContain(secret);

    const status = pnpm(['status', '--env', 'local']);
    expect(status.status, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toMatch(/healthy.*← live/);
    // The seed's seven products, not the app's six built-in ones: the catalog comes from the database.
    const products = JSON.parse((await get(port, '/api/products')).body) as { name: string }[];
    expect(products.map((product) => product.name)).toContain('Semaphore arm, restored');
    expect(products).toHaveLength(7);

    const second = pnpm(['dev:setup', '--yes']);
    expect(second.status, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^ {2}total +[\d.]+ s +nothing changed$/m);
    expect(second.stdout).not.toContain('▸ Ship release');
    const healthy = pnpm(['dev:setup', '--check']);
    expect([healthy.status, healthy.stdout.trim()]).toEqual([0, 'dev:setup --check: nothing missing or broken']);

    // Broken three ways at once: a secret gone, nginx not on PATH, the database stopped.
    const pglitePid = Number(readFileSync(join(root, 'catalog/run/pglite.pid'), 'utf8').split(' ')[0]);
    process.kill(pglitePid, 'SIGTERM');
    for (let i = 0; i < 100 && existsSync(`/proc/${pglitePid}`); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    rmSync(envLocal);
    const noSbin = (process.env.PATH ?? '').split(':').filter((entry) => !entry.endsWith('/sbin')).join(':');
    const broken = pnpm(['dev:setup', '--check'], { ...process.env, PATH: noSbin });
    expect(broken.status, broken.stdout + broken.stderr).toBe(1);
    expect(broken.stdout).toMatch(/^nginx: not found on PATH\..* Fix: apt-get install -y nginx$/m);
    expect(broken.stdout).toMatch(/^\.env\.local: SESSION_SECRET is not set; pnpm dev:setup --yes generates it$/m);
    expect(broken.stdout).toMatch(/^database: the embedded database is not running /m);
    expect(broken.stdout).toMatch(/^dev:setup --check: \d+ problem\(s\)/m);
    expect(existsSync(envLocal)).toBe(false);

    // A .gitignore that would let git commit .env.local: refused before anything is written.
    const gitignore = join(clone, '.gitignore');
    writeFileSync(gitignore, readFileSync(gitignore, 'utf8').replace(/^\.env.*\n|^!\.env\.example\n/gm, ''));
    const refused = pnpm(['dev:setup', '--yes']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/\.env\.local: git would commit this file.*\.env\* and !\.env\.example/);
    expect(existsSync(envLocal)).toBe(false);
    spawnSync('git', ['checkout', '--', '.gitignore'], { cwd: clone });

    // Fixed again by one more run: a new secret, the database started, the app deployed.
    const again = pnpm(['dev:setup', '--yes']);
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(JSON.parse((await get(port, '/api/products')).body)).toHaveLength(7);

    const down = pnpm(['dev:down']);
    expect(down.status, down.stdout + down.stderr).toBe(0);
    expect(down.stdout).toMatch(/^stopped blue, green, nginx and the embedded database; kept .* and the data in .*shared\/pglite$/m);
    // nginx's workers finish what they hold after the master is told to quit: gone within seconds.
    for (let i = 0; i < 100 && processesUnder(dir).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    expect(processesUnder(dir).map(commandLine)).toEqual([]);
    const stopped = pnpm(['dev:setup', '--check']);
    expect(stopped.stdout).toMatch(/^nginx: not running/m);
    expect(stopped.stdout).toMatch(/^database: the embedded database is not running/m);
  });

  const unavailable = postgresUnavailable();
  it.skipIf(unavailable !== undefined)(`with a local PostgreSQL instead: creates the database, migrates and seeds it${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 400_000 }, async ({ onTestFinished }) => {
    const postgres = await startTestPostgres();
    onTestFinished(() => postgres.stop());
    const { pnpm, port } = await freshClone(19199, { migrations: { database: 'postgres', directory: 'db/migrations', seed: 'db/seed.sql' }, secrets: ['SESSION_SECRET', 'DATABASE_URL'] }, onTestFinished);
    // The developer's own server, its database not made yet; the URL from the environment, as a developer may export it.
    const url = postgres.url.replace(/\/postgres$/, '/catalog_dev');
    const env = { ...process.env, DATABASE_URL: url };

    const before = pnpm(['dev:setup', '--check'], env);
    expect(before.stdout).toMatch(new RegExp(`^database: database "catalog_dev" on 127\\.0\\.0\\.1:${postgres.port} does not exist; pnpm dev:setup creates it$`, 'm'));

    const first = pnpm(['dev:setup', '--yes'], env);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^ {2}database +[\d.]+ s +created database "catalog_dev" on 127\.0\.0\.1:\d+$/m);
    expect(first.stdout).toMatch(/^ {2}seed +[\d.]+ s +loaded db\/seed\.sql/m);
    expect(JSON.parse((await get(port, '/api/products')).body)).toHaveLength(7);

    const second = pnpm(['dev:setup', '--yes'], env);
    expect(second.status, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^ {2}database +[\d.]+ s +unchanged: database "catalog_dev" on 127\.0\.0\.1:\d+ answers \(PostgreSQL [\d.]+/m);
    expect(second.stdout).toMatch(/^ {2}total +[\d.]+ s +nothing changed$/m);
  });
});
