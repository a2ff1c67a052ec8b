import { readFileSync } from 'node:fs';
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
});
