import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postgresUnavailable, startTestPostgres } from '@switchyard/testbed';
import { describe, expect, it } from 'vitest';
import { runScript } from './support/cli';
import { deployProject, type DeployProject } from './support/deploy-project';

/*
 * `pnpm migrate`, through the built command, on the embedded PGlite (its data under the deploy root)
 * and on a private PostgreSQL 15. The migrations live in a release's own migrations/ folder.
 */

const CREATE_PRODUCTS = `-- The catalog's products.

-- migrate:up
CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO products (name) VALUES ('kettle'), ('teapot');

-- migrate:down
DROP TABLE products;
`;

const ADD_PRICE = `-- migrate:up
ALTER TABLE products ADD COLUMN price_cents integer;

-- migrate:down
ALTER TABLE products DROP COLUMN price_cents;
`;

// Locks writes to products for as long as the index builds: what the safety check is for.
const UNSAFE_INDEX = `-- migrate:up
CREATE INDEX products_name ON products (name);
`;

interface Setup {
  project: DeployProject;
  source: string;
  migrate(args: string[]): ReturnType<typeof runScript>;
}

async function setup(onTestFinished: (fn: () => Promise<void>) => void, port: number, database: 'pglite' | 'postgres', env: Record<string, string> = {}): Promise<Setup> {
  const project = await deployProject(port, { migrations: { database }, ...(database === 'postgres' ? { secrets: ['DATABASE_URL'] } : {}) });
  onTestFinished(() => project.cleanup());
  const source = await project.release('1.0.0');
  return { project, source, migrate: (args) => runScript('migrate.ts', [...args, ...project.flags(), '--source', source], { env }) };
}

/** create, status, up (dry run first), the safety check refusing an unsafe migration, drift and repair, down. */
async function lifecycle({ source, migrate }: Setup): Promise<void> {
  const created = await migrate(['create', 'create_products']);
  expect(created.code, created.stderr).toBe(0);
  const first = join(source, 'migrations/0001_create_products.sql');
  expect(created.stdout.trim()).toBe(`created ${first}`);
  writeFileSync(first, CREATE_PRODUCTS);
  writeFileSync(join(source, 'migrations/0002_add_price.sql'), ADD_PRICE);

  const pending = await migrate(['status']);
  expect(pending.code, pending.stderr).toBe(0);
  expect(pending.stdout).toMatch(/0001_create_products +expand +pending\n {2}0002_add_price +expand +pending\n2 pending \(2 expand, 0 contract\)/);

  const dry = await migrate(['up', '--dry-run']);
  expect(dry.code, dry.stderr).toBe(0);
  expect(dry.stdout).toContain(`would run ${first} (up):\n    CREATE TABLE products`);
  expect((await migrate(['status'])).stdout).toContain('2 pending');

  const up = await migrate(['up', '--json']);
  expect(up.code, up.stderr).toBe(0);
  expect(JSON.parse(up.stdout)).toMatchObject({ direction: 'up', dryRun: false, migrations: [{ name: '0001_create_products' }, { name: '0002_add_price' }] });
  expect((await migrate(['status'])).stdout).toMatch(/0002_add_price +expand +applied \d{4}-\d\d-\d\dT/);

  // An unsafe migration: refused by `check` and by `up`, naming file, line and rule; nothing runs.
  const unsafe = join(source, 'migrations/0003_index_names.sql');
  writeFileSync(unsafe, UNSAFE_INDEX);
  const check = await migrate(['check']);
  expect(check.code).toBe(1);
  expect(check.stderr).toContain(`${unsafe}:2: index-not-concurrent:`);
  const refused = await migrate(['up']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/nothing ran$/m);
  expect((await migrate(['status'])).stdout).toMatch(/0003_index_names +expand +pending/);
  // Allowed on purpose, on the line before, as the finding says.
  writeFileSync(unsafe, UNSAFE_INDEX.replace('CREATE INDEX', '-- switchyard: allow index-not-concurrent (products is small)\nCREATE INDEX'));
  const allowed = await migrate(['check']);
  expect([allowed.code, allowed.stdout.trim()], allowed.stderr).toEqual([0, 'the safety check finds nothing to refuse']);
  rmSync(unsafe);

  // An applied migration edited afterwards: an error naming it, until repaired on purpose.
  writeFileSync(join(source, 'migrations/0002_add_price.sql'), ADD_PRICE.replace('integer', 'bigint'));
  const drifted = await migrate(['up']);
  expect(drifted.code).toBe(2);
  expect(drifted.stderr).toContain('0002_add_price.sql');
  expect((await migrate(['repair'])).stdout).toContain('accepted the current checksum of 0002_add_price');
  expect((await migrate(['up'])).stdout).toContain('nothing to apply');

  const down = await migrate(['down', '--to', '0001_create_products']);
  expect(down.code, down.stderr).toBe(0);
  expect(down.stdout).toContain('reverted 0002_add_price');
  expect((await migrate(['status'])).stdout).toMatch(/0002_add_price +expand +pending/);
}

describe('pnpm migrate', { timeout: 120_000 }, () => {
  // PGlite opens in seconds, not milliseconds, and takes ~800 MB: the whole life cycle runs on
  // PostgreSQL below; here, that the same command applies and reads back on the embedded database.
  it('on PGlite under the deploy root: two at once apply once, then it reads what was applied', async ({ onTestFinished }) => {
    const { project, source, migrate } = await setup(onTestFinished, 19179, 'pglite');
    expect((await migrate(['create', 'create_products'])).code).toBe(0);
    writeFileSync(join(source, 'migrations/0001_create_products.sql'), CREATE_PRODUCTS);
    writeFileSync(join(source, 'migrations/0002_add_price.sql'), ADD_PRICE);
    // Two commands at once: PGlite itself would let both open the directory and corrupt it; the
    // second waits for the first to close it, then finds nothing to do.
    const both = await Promise.all([migrate(['up']), migrate(['up'])]);
    for (const run of both) expect(run.code, run.stderr).toBe(0);
    const [up, second] = both[0].stdout.includes('applied 0001') ? both : [both[1], both[0]];
    expect(up.stdout).toMatch(/applied 0001_create_products \(expand\) in \d+ ms\n {2}applied 0002_add_price \(expand\) in \d+ ms\n2 migration\(s\) applied/);
    expect(second.stdout.trim()).toBe('nothing to apply');
    const status = await migrate(['status']);
    expect(status.stdout).toMatch(/0002_add_price +expand +applied .*\n0 pending/);
    // The embedded database lives in shared/, beside the releases, and outlives them.
    expect(readFileSync(join(project.appRoot, 'shared/pglite/PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
  });

  const unavailable = postgresUnavailable();
  it.skipIf(unavailable !== undefined)(`on PostgreSQL 15 at DATABASE_URL: create, status, up, the safety check, drift and repair, down${unavailable ? ` (skipped: ${unavailable})` : ''}`, async ({ onTestFinished }) => {
    const postgres = await startTestPostgres();
    onTestFinished(() => postgres.stop());
    await lifecycle(await setup(onTestFinished, 19180, 'postgres', { DATABASE_URL: postgres.url }));
  });

  it('bad use: no action, an unknown one, an environment without migrations; a release without a migrations folder has nothing to do', async ({ onTestFinished }) => {
    const project = await deployProject(19181, { migrations: { database: 'pglite' } });
    onTestFinished(() => project.cleanup());
    const none = await runScript('migrate.ts', project.flags());
    expect([none.code, none.stderr.split('\n')[0]]).toEqual([2, 'pnpm migrate: expected an action (status, up, down, check, create, baseline, repair), got none']);
    const unknown = await runScript('migrate.ts', ['upp', ...project.flags()]);
    expect([unknown.code, unknown.stderr.split('\n')[0]]).toEqual([2, 'pnpm migrate: expected an action (status, up, down, check, create, baseline, repair), got "upp"']);
    // The local environment migrates the embedded database by default: a release without a
    // migrations folder has nothing to do, and says so without opening the database.
    const noFolder = await runScript('migrate.ts', ['status', ...project.flags(), '--source', await project.release('1.0.0')]);
    expect([noFolder.code, noFolder.stdout.trim()], noFolder.stderr).toEqual([0, expect.stringMatching(/^no migrations folder at \S+\/1\.0\.0\/migrations: nothing to do/)]);
    expect(existsSync(join(project.appRoot, 'shared/pglite'))).toBe(false);
    project.replace('migrations', undefined);
    const without = await runScript('migrate.ts', ['status', ...project.flags()]);
    expect(without.code).toBe(2);
    expect(without.stderr.trim()).toMatch(/config\/local\.json: no "migrations" section: this environment runs no migrations$/);
  });
});
