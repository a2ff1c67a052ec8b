import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@switchyard/host';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { MigrationFailedError, MigrationLockedError, MigrationPlanError } from '../src/errors';
import type { Migration } from '../src/migration';
import { createMigrator, type MigrationEvent, type MigratorOptions } from '../src/migrator';
import { readMigrationFolder } from '../src/read-folder';
import { type OpenTarget, targets } from './support/targets';

/** A migrations folder holding `files`, read back; removed after the test. */
async function folder(files: Record<string, string>): Promise<{ dir: string; migrations: Migration[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-migrations-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, migrations: await readMigrationFolder(dir) };
}

const names = (report: { steps: { migration: Migration }[] }) => report.steps.map((step) => step.migration.name);

const PRODUCTS = '-- migrate:up\nCREATE TABLE products (id int PRIMARY KEY, name text);\n-- migrate:down\nDROP TABLE products;\n';
const PRICE = '-- migrate:up\nALTER TABLE products ADD COLUMN price int;\n-- migrate:down\nALTER TABLE products DROP COLUMN price;\n';
const NAME_CHECK = '-- switchyard: contract\n-- migrate:up\nALTER TABLE products ALTER COLUMN name SET NOT NULL;\n-- migrate:down\nALTER TABLE products ALTER COLUMN name DROP NOT NULL;\n';

for (const target of targets) {
  describe.skipIf(target.unavailable)(`migrations on ${target.name}${target.unavailable ? ` (skipped: ${target.unavailable})` : ''}`, () => {
    let open: OpenTarget;
    beforeAll(async () => {
      open = await target.open();
    }, 60_000);
    afterAll(() => open?.close(), 30_000);
    beforeEach(async () => {
      await open.db.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    });

    const migrator = (migrations: readonly Migration[], options: Partial<MigratorOptions> = {}) =>
      createMigrator({ db: open.db, migrations, lockWaitMs: 20_000, ...options });
    const tables = async () =>
      (await open.db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((row) => row.name);
    const journal = async () =>
      (await open.db.query<{ name: string; duration_ms: number | null; deploy_id: string | null; phase: string }>('SELECT * FROM switchyard_migrations ORDER BY name')).rows;
    /** A plain connection of the test's own, closed after the test (PostgreSQL only). */
    const connect = async () => {
      const client = new pg.Client({ connectionString: open.url, application_name: 'the-test' });
      await client.connect();
      onTestFinished(() => client.end());
      return client;
    };

    it('applies pending migrations in name order, one phase at a time, and records each', async () => {
      const { migrations } = await folder({
        '0001_products.sql': PRODUCTS,
        '0002_price.sql': PRICE,
        '0003_name_check.sql': NAME_CHECK,
        '0004_settings.sql':
          "-- migrate:up\nCREATE TABLE settings AS SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout;\n",
      });
      const events: MigrationEvent[] = [];
      const runner = migrator(migrations, { deployId: '20260101T000000Z-abc1234', statementTimeoutMs: 60_000, onEvent: (event) => events.push(event) });

      expect(names(await runner.up({ phase: 'expand' }))).toEqual(['0001_products', '0002_price', '0004_settings']);
      expect(events.map((event) => (event.type === 'waiting-for-lock' ? event.type : `${event.type} ${event.migration.name}`))).toEqual([
        'start 0001_products',
        'done 0001_products',
        'start 0002_price',
        'done 0002_price',
        'start 0004_settings',
        'done 0004_settings',
      ]);
      expect((await runner.status()).map((row) => [row.name, row.state])).toEqual([
        ['0001_products', 'applied'],
        ['0002_price', 'applied'],
        ['0003_name_check', 'pending'],
        ['0004_settings', 'applied'],
      ]);
      expect(names(await runner.up({ phase: 'contract' }))).toEqual(['0003_name_check']);
      expect(names(await runner.up())).toEqual([]);

      const rows = await journal();
      expect(rows.map((row) => [row.name, row.phase, row.deploy_id])).toEqual([
        ['0001_products', 'expand', '20260101T000000Z-abc1234'],
        ['0002_price', 'expand', '20260101T000000Z-abc1234'],
        ['0003_name_check', 'contract', '20260101T000000Z-abc1234'],
        ['0004_settings', 'expand', '20260101T000000Z-abc1234'],
      ]);
      expect(rows.every((row) => typeof row.duration_ms === 'number' && row.duration_ms >= 0)).toBe(true);
      expect((await open.db.query('SELECT * FROM settings')).rows).toEqual([{ lock_timeout: '5s', statement_timeout: '1min' }]);
    });

    it('stops at a failing migration: it is rolled back, the ones before it stay, and the error names file, line and message', async () => {
      const { dir, migrations } = await folder({
        '0001_products.sql': PRODUCTS,
        '0002_broken.sql': '-- a comment\n-- migrate:up\nCREATE TABLE half (id int);\n\nINSERT INTO products (id, name)\n  SELECT id, nme FROM half;\n',
        '0003_price.sql': PRICE,
      });
      const error = await migrator(migrations)
        .up()
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MigrationFailedError);
      expect(error).toMatchObject({ path: join(dir, '0002_broken.sql'), line: 6, sqlState: '42703', retryable: false, exitCode: 1 });
      const lines = (error as Error).message.split('\n');
      expect(lines[0]).toBe(`${join(dir, '0002_broken.sql')}:6: column "nme" does not exist (SQLSTATE 42703)`);
      expect(lines.at(-1)).toBe('  0002_broken was rolled back as a whole; the migrations before it stay applied');
      expect(await tables()).toEqual(['products', 'switchyard_migrations']);
      expect((await journal()).map((row) => row.name)).toEqual(['0001_products']);
    });

    it('refuses to run over an edited migration until it is restored or repaired', async () => {
      const first = await folder({ '0001_products.sql': PRODUCTS });
      await migrator(first.migrations).up();
      const edited = await folder({ '0001_products.sql': PRODUCTS.replace('name text', 'name text NOT NULL'), '0002_price.sql': PRICE });
      const runner = migrator(edited.migrations);

      const error = await runner.up().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MigrationPlanError);
      expect((error as Error).message).toMatch(new RegExp(`^${join(edited.dir, '0001_products.sql')}: edited after it was applied`));
      await expect(runner.down({ to: '0001_products' })).rejects.toThrow(/edited after it was applied/);
      expect((await runner.status()).map((row) => row.state)).toEqual(['edited', 'pending']);
      expect(await tables()).toEqual(['products', 'switchyard_migrations']);

      expect((await runner.repair()).map((migration) => migration.name)).toEqual(['0001_products']);
      expect(names(await runner.up())).toEqual(['0002_price']);
      expect(await runner.repair()).toEqual([]);
    });

    it('refuses a new migration that sorts below the last applied one, unless allowed', async () => {
      const first = await folder({ '0001_products.sql': PRODUCTS, '0003_price.sql': PRICE });
      await migrator(first.migrations).up();
      const { dir, migrations } = await folder({
        '0001_products.sql': PRODUCTS,
        '0002_index.sql': '-- migrate:up\nCREATE INDEX products_name ON products (name);\n',
        '0003_price.sql': PRICE,
      });
      await expect(migrator(migrations).up()).rejects.toThrow(
        `${join(dir, '0002_index.sql')}: not applied, yet it sorts below 0003_price, which is: give it a number above the last applied migration, or allow out-of-order migrations`,
      );
      expect((await migrator(migrations).status()).find((row) => row.name === '0002_index')).toMatchObject({ state: 'pending', outOfOrder: true });
      expect(names(await migrator(migrations).up({ allowOutOfOrder: true }))).toEqual(['0002_index']);
    });

    it('runs a no-transaction migration outside a transaction, where CREATE INDEX CONCURRENTLY works', async () => {
      const index = 'CREATE INDEX CONCURRENTLY products_name ON products (name);\n';
      const refused = await folder({ '0001_products.sql': PRODUCTS, '0002_index.sql': `-- migrate:up\n${index}` });
      await expect(migrator(refused.migrations).up()).rejects.toThrow(
        `${join(refused.dir, '0002_index.sql')}:2: CREATE INDEX CONCURRENTLY cannot run inside a transaction block (SQLSTATE 25001)`,
      );
      const { migrations } = await folder({
        '0001_products.sql': PRODUCTS,
        '0002_index.sql': `-- switchyard: no-transaction\n-- migrate:up\n${index}CREATE INDEX CONCURRENTLY products_id_name ON products (id, name);\n`,
      });
      expect(names(await migrator(migrations).up())).toEqual(['0002_index']);
      const indexes = await open.db.query<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'products' ORDER BY 1");
      expect(indexes.rows.map((row) => row.name)).toEqual(['products_id_name', 'products_name', 'products_pkey']);
      expect((await journal()).map((row) => row.name)).toEqual(['0001_products', '0002_index']);
    });

    it('reverts down to a named migration, newest first, and says in a dry run what it would run', async () => {
      const { migrations } = await folder({ '0001_products.sql': PRODUCTS, '0002_price.sql': PRICE, '0003_name_check.sql': NAME_CHECK });
      const runner = migrator(migrations);
      await runner.up();

      const dry = await runner.down({ to: '0001_products.sql', dryRun: true });
      expect(dry.steps.map((step) => [step.migration.name, step.sql, step.durationMs])).toEqual([
        ['0003_name_check', 'ALTER TABLE products ALTER COLUMN name DROP NOT NULL;\n', undefined],
        ['0002_price', 'ALTER TABLE products DROP COLUMN price;\n', undefined],
      ]);
      expect((await journal()).map((row) => row.name)).toEqual(['0001_products', '0002_price', '0003_name_check']);

      expect(names(await runner.down({ to: '0001_products' }))).toEqual(['0003_name_check', '0002_price']);
      expect((await journal()).map((row) => row.name)).toEqual(['0001_products']);
      const columns = await open.db.query<{ name: string }>("SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'products' ORDER BY 1");
      expect(columns.rows.map((row) => row.name)).toEqual(['id', 'name']);
      expect(names(await runner.up())).toEqual(['0002_price', '0003_name_check']);
    });

    it('reverts the named migrations newest first as they ran (a rollback), leaving the others applied', async () => {
      const { migrations } = await folder({ '0001_products.sql': PRODUCTS, '0002_price.sql': PRICE, '0003_name_check.sql': NAME_CHECK });
      const runner = migrator(migrations);
      await runner.up();
      expect(names(await runner.revert({ names: ['0002_price', '0003_name_check'] }))).toEqual(['0003_name_check', '0002_price']);
      expect((await journal()).map((row) => row.name)).toEqual(['0001_products']);
      await expect(runner.revert({ names: ['0002_price'] })).rejects.toThrow('0002_price.sql: not applied: there is nothing to revert');
    });

    it('says in a dry run what up would run, with its SQL, and changes nothing', async () => {
      const { migrations } = await folder({ '0001_products.sql': PRODUCTS, '0002_price.sql': PRICE });
      const report = await migrator(migrations).up({ dryRun: true });
      expect(report).toMatchObject({ direction: 'up', dryRun: true });
      expect(report.steps.map((step) => step.sql)).toEqual([
        'CREATE TABLE products (id int PRIMARY KEY, name text);',
        'ALTER TABLE products ADD COLUMN price int;',
      ]);
      expect(await tables()).toEqual([]);
    });

    it('baselines a database that already has the effect of the first migrations', async () => {
      await open.db.query('CREATE TABLE products (id int PRIMARY KEY, name text)');
      const { migrations } = await folder({ '0001_products.sql': PRODUCTS, '0002_price.sql': PRICE });
      const runner = migrator(migrations, { deployId: 'baseline-run' });
      expect((await runner.baseline({ to: '0001_products' })).map((migration) => migration.name)).toEqual(['0001_products']);
      expect(await journal()).toMatchObject([{ name: '0001_products', duration_ms: null, deploy_id: 'baseline-run' }]);
      expect(names(await runner.up())).toEqual(['0002_price']);
      await expect(runner.baseline({ to: '0009_nope' })).rejects.toThrow('0009_nope: no migration file of that name');
    });

    it('lets one of two runs at once apply, while the other waits and then finds nothing pending', async () => {
      await open.db.query('CREATE TABLE gate (id int)');
      const { migrations } = await folder({
        '0001_products.sql': PRODUCTS,
        '0002_read_gate.sql': '-- migrate:up\nINSERT INTO products SELECT id, NULL FROM gate;\n',
      });
      const waits: string[] = [];
      const secondRun = () =>
        createMigrator({
          db: open.another(),
          migrations,
          lockWaitMs: 20_000,
          onEvent: (event) => void (event.type === 'waiting-for-lock' && waits.push(event.holder)),
        }).up();
      if (target.singleConnection) {
        // PGlite: both runs share its one connection, which the first run's session holds whole until it is done.
        const reports = await Promise.all([migrator(migrations).up(), secondRun()]);
        expect(reports.map(names)).toEqual([['0001_products', '0002_read_gate'], []]);
        return;
      }
      // The test holds the gate table, so the first run stops inside its second migration, holding the migration lock.
      const holder = await connect();
      await holder.query('BEGIN; LOCK TABLE gate IN ACCESS EXCLUSIVE MODE');
      const first = migrator(migrations, { lockTimeoutMs: 20_000 }).up();
      // Should an expectation fail, the runs still end (the holder's connection closes) before the next test.
      onTestFinished(async () => void (await first.catch(() => undefined)));
      const blocked = async () => (await open.db.query("SELECT 1 FROM pg_locks WHERE relation = 'gate'::regclass AND NOT granted")).rows.length > 0;
      expect(await waitFor(blocked, { timeoutMs: 10_000, intervalMs: 20 })).toBe(true);
      const second = secondRun();
      onTestFinished(async () => void (await second.catch(() => undefined)));
      expect(await waitFor(async () => waits.length > 0, { timeoutMs: 10_000, intervalMs: 20 })).toBe(true);
      expect(waits[0]).toMatch(/^pid \d+ \(switchyard-migrate, user postgres, from 127\.0\.0\.1\), connected since /);
      await holder.query('COMMIT');
      expect(names(await first)).toEqual(['0001_products', '0002_read_gate']);
      expect(names(await second)).toEqual([]);
    });

    it('gives up waiting for another run after lockWaitMs, naming who holds the lock', async () => {
      const { migrations } = await folder({ '0001_products.sql': PRODUCTS });
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      let held = () => {};
      const holding = new Promise<void>((resolve) => (held = resolve));
      // The lock a run takes, held by a session of the test's own (on PGlite, the session alone already keeps a run out).
      const session = open.db.session(async (s) => {
        await s.query('SELECT pg_advisory_lock(1398361415, 1)');
        held();
        await released;
      });
      onTestFinished(async () => (release(), await session));
      await holding;
      const started = Date.now();
      const error = await migrator(migrations, { db: open.another(), lockWaitMs: 300 })
        .up()
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MigrationLockedError);
      expect(error).toMatchObject({ exitCode: 3 });
      expect((error as Error).message).toMatch(open.url ? /^another migration run holds the lock: pid \d+ .*; waited 300 ms$/ : /holds the PGlite database; waited 300 ms$/);
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    // Only PostgreSQL: PGlite has one connection, so nothing else can hold a lock against a run there.
    if (!target.singleConnection) {
      it('fails a migration that waits past lock_timeout for a table the test holds, naming the lock and its holder, and applies it on retry', async () => {
        await migrator((await folder({ '0001_products.sql': PRODUCTS })).migrations).up();
        const { dir, migrations } = await folder({ '0001_products.sql': PRODUCTS, '0002_price.sql': PRICE });
        const runner = migrator(migrations, { lockTimeoutMs: 500 });
        const holder = await connect();
        const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
        await holder.query('BEGIN; LOCK TABLE products IN ACCESS EXCLUSIVE MODE');
        const started = Date.now();
        const error = await runner.up().catch((caught: unknown) => caught);
        const took = Date.now() - started;
        expect(error).toBeInstanceOf(MigrationFailedError);
        expect(error).toMatchObject({ path: join(dir, '0002_price.sql'), line: 2, sqlState: '55P03', retryable: true });
        const [first, wait, outcome] = (error as Error).message.split('\n');
        expect(first).toBe(`${join(dir, '0002_price.sql')}:2: canceling statement due to lock timeout (SQLSTATE 55P03)`);
        expect(wait).toMatch(
          new RegExp(`^ {2}it waited for AccessExclusiveLock on products, held by pid ${holderPid} holding AccessExclusiveLock \\("the-test", idle in transaction, in a transaction since .+\\), last statement: BEGIN; LOCK TABLE products IN ACCESS EXCLUSIVE MODE$`),
        );
        expect(outcome).toBe('  0002_price was rolled back as a whole; the migrations before it stay applied; run it again once that lock is free');
        expect(took).toBeGreaterThanOrEqual(450);
        expect(took).toBeLessThan(3_000);

        await holder.query('COMMIT');
        expect(names(await runner.up())).toEqual(['0002_price']);
      });
    }
  });
}
