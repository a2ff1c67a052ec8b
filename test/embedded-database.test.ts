import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { deployProject } from './support/deploy-project';

/*
 * migrations.database "pglite": Switchyard serves the embedded database on a unix socket and gives
 * the app its DATABASE_URL. The sample app reads its catalog from it (CATALOG_STORE=postgres)
 * through node-postgres, as any app would; migrations and `pnpm migrate` go through the same socket
 * while the server runs.
 */

const DJANGO = join(import.meta.dirname, '..', 'examples/django-site');

const pidOf = (appRoot: string) => Number(readFileSync(join(appRoot, 'run/pglite.pid'), 'utf8').split(' ')[0]);

describe('the embedded database (PGlite) served to the app', () => {
  it('starts before the migrations, serves the app through DATABASE_URL, outlives a deploy and comes back after a kill with its data', { timeout: 240_000 }, async ({ onTestFinished }) => {
    const project = await deployProject(19171, { migrations: { database: 'pglite', directory: 'db/migrations' }, env: { CATALOG_STORE: 'postgres' } });
    onTestFinished(() => project.cleanup());

    const first = await project.deploy(await project.release('1.0.0'));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/▸ Start the embedded database\n {4}started \(pid \d+\); answering after [\d.]+ s\n {4}✓[^\n]*\n {2}▸ Run expand migrations[^\n]*\n {4}applied 0001_create_products/);
    // The table the migration made, empty: the catalog is the database's, not the app's built-in one.
    expect(JSON.parse((await project.get('/api/products')).body)).toEqual([]);

    // The URL the app was given, as a developer's own client uses it.
    const env = readFileSync(join(project.appRoot, 'run/blue.env'), 'utf8');
    const url = /^DATABASE_URL='([^']+)'$/m.exec(env)?.[1];
    expect(url).toBe(`postgresql://postgres@localhost/postgres?host=${project.appRoot}/run/pglite`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("INSERT INTO products (id, name, price_cents, stock) VALUES (42, 'Signal box key', 1200, 3)");
    } finally {
      await client.end();
    }
    expect(JSON.parse((await project.get('/api/products')).body)).toEqual([{ id: 42, name: 'Signal box key', price: 1200, stock: 3 }]);
    expect(JSON.parse((await project.get('/api/products/42')).body).name).toBe('Signal box key');
    expect(JSON.parse((await project.get('/health/db')).body)).toMatchObject({ status: 'ok', check: 'db' });

    // While the server holds the directory, pnpm migrate reads through its socket instead of waiting for it.
    const status = await project.run('migrate.ts', ['status', '--source', join(project.dir, 'src/1.0.0')]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/0001_create_products +expand +applied/);

    const server = pidOf(project.appRoot);
    const second = await project.deploy(await project.release('2.0.0'));
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain(`▸ Start the embedded database\n    running (pid ${server})`);
    expect((await project.get('/api/products')).headers['x-app-version']).toBe('2.0.0');

    // Killed (an OOM, a reboot): the next deploy starts it again, on the same data.
    process.kill(server, 'SIGKILL');
    const third = await project.deploy(await project.release('3.0.0'));
    expect(third.code, third.stdout + third.stderr).toBe(0);
    expect(third.stdout).toMatch(/▸ Start the embedded database\n {4}started \(pid \d+\)/);
    expect(pidOf(project.appRoot)).not.toBe(server);
    expect(JSON.parse((await project.get('/api/products')).body)).toEqual([{ id: 42, name: 'Signal box key', price: 1200, stock: 3 }]);
  });

  it('serves a Django site through psycopg2: its own manage.py migrate and its pages reach it by DATABASE_URL', { timeout: 240_000 }, async ({ onTestFinished }) => {
    const project = await deployProject(
      19172,
      {
        start: { command: ['/usr/bin/gunicorn', '--bind', 'unix:${SOCKET_PATH}', '--workers', '2', 'mysite.wsgi'] },
        secrets: ['DJANGO_SECRET_KEY'],
        migrations: { database: 'pglite', command: ['/usr/bin/python3', 'manage.py', 'migrate', '--noinput'] },
        health: { path: '/health/db', expectText: 'ok', checks: [] },
      },
      { base: { app: 'shop' } },
    );
    onTestFinished(() => project.cleanup());
    writeFileSync(join(project.dir, '.env'), 'DJANGO_SECRET_KEY=a-test-key-for-the-django-example-site-0123456789\n', { mode: 0o600 });

    const deploy = await project.deploy(DJANGO);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(deploy.stdout).toMatch(/▸ Start the embedded database\n {4}started[^\n]*\n(?:.*\n)*? {2}▸ Run expand migrations[^\n]*\n(?:.*\n)*? {4}\| +Applying shop\.0001_initial\.\.\. OK/);
    // Django's tables are in the embedded database, not in an SQLite file.
    expect(existsSync(join(project.appRoot, 'shared/data/db.sqlite3'))).toBe(false);
    const client = new pg.Client({ connectionString: `postgresql://postgres@localhost/postgres?host=${project.appRoot}/run/pglite` });
    await client.connect();
    try {
      await client.query("INSERT INTO shop_product (name, price_cents) VALUES ('Guard''s flag', 700)");
    } finally {
      await client.end();
    }
    // Its pages read the same database: the row written beside them is among those its migrations made.
    expect(JSON.parse((await project.get('/api/products')).body)).toContainEqual(expect.objectContaining({ name: "Guard's flag", price_cents: 700 }));
  });
});
