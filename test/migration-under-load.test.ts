import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postgresUnavailable, startTestPostgres } from '@switchyard/testbed';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { deployProject } from './support/deploy-project';
import { describeLoad, operationsUnderLoad } from './support/under-load';

/*
 * An expand migration on a big, busy table: a deploy whose migrations add a column and build an
 * index CONCURRENTLY on a table of 1,000,000 rows, while wrk loads the site through nginx and
 * clients keep writing to and reading from that table. Not a request may fail, and not a query:
 * catalog-app does not use the database, so the test's own clients stand for the live colour's.
 */

const ROWS = 1_000_000;

const MIGRATIONS = {
  v1: {
    '0001_create_orders.sql': `-- migrate:up
CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, product_id integer NOT NULL, quantity integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
`,
  },
  v2: {
    // Nullable, no default: a change to the catalog only, whatever the table's size.
    '0002_add_note.sql': `-- migrate:up
ALTER TABLE orders ADD COLUMN note text;
`,
    '0003_index_customer.sql': `-- switchyard: no-transaction

-- migrate:up
CREATE INDEX CONCURRENTLY orders_customer ON orders (customer);
`,
  },
};

/*
 * A query that waits longer than this, behind a lock, fails. Measured on a busy 2-core machine
 * under this test's load: with CONCURRENTLY the slowest query took 44–102 ms (136–195 ms with two
 * of these tests at once); a plain CREATE INDEX (in a DO block, past the safety check) held the
 * writes for its whole build, 1.7–2.8 s, and 12–20 queries failed.
 */
const STATEMENT_TIMEOUT_MS = 500;

/**
 * `clients` connections, each inserting an order and reading a row back by its key, over and over
 * until stop(). Counts the queries, the failed ones (with the first few messages) and the slowest.
 */
function queryLoop(url: string, clients: number) {
  let running = true;
  let queries = 0;
  let failed = 0;
  let slowestMs = 0;
  const firstFailures: string[] = [];
  const timed = async (query: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      await query();
    } catch (error) {
      failed++;
      if (firstFailures.length < 5) firstFailures.push(`${new Date().toISOString()} ${(error as Error).message}`);
    }
    queries++;
    slowestMs = Math.max(slowestMs, performance.now() - started);
  };
  const loops = Array.from({ length: clients }, async (_, n) => {
    const client = new pg.Client({ connectionString: url, statement_timeout: STATEMENT_TIMEOUT_MS });
    await client.connect();
    try {
      for (let i = 0; running; i++) {
        await timed(() => client.query('INSERT INTO orders (customer, product_id, quantity) VALUES ($1, $2, 1)', [`load-${n}-${i}`, i % 1000]));
        await timed(() => client.query('SELECT id, quantity FROM orders WHERE id = $1', [1 + ((i * 7919) % ROWS)]));
      }
    } finally {
      await client.end();
    }
  });
  let stopped: Promise<{ queries: number; failed: number; firstFailures: string[]; slowestMs: number }> | undefined;
  return {
    /** Ends every loop and closes its connection; safe to call again. */
    stop() {
      running = false;
      stopped ??= Promise.all(loops).then(() => ({ queries, failed, firstFailures, slowestMs: Math.round(slowestMs) }));
      return stopped;
    },
  };
}

const unavailable = postgresUnavailable();

describe.skipIf(unavailable !== undefined)(`an expand migration under load (PostgreSQL 15)${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it(`a column and an index CONCURRENTLY on a table of ${ROWS.toLocaleString('en')} rows: 0 failed requests, 0 failed queries`, { timeout: 120_000 }, async ({ onTestFinished }) => {
    const postgres = await startTestPostgres();
    onTestFinished(() => postgres.stop());
    const project = await deployProject(19186, { migrations: { database: 'postgres' }, secrets: ['DATABASE_URL'] });
    onTestFinished(() => project.cleanup());
    writeFileSync(join(project.dir, '.env'), `DATABASE_URL=${postgres.url}\n`, { mode: 0o600 });
    const db = new pg.Client(postgres.url);
    await db.connect();
    onTestFinished(() => db.end());

    const first = await project.deploy(await project.release('1.0.0', { migrations: MIGRATIONS.v1 }));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    await db.query('INSERT INTO orders (customer, product_id, quantity) SELECT md5(i::text), i % 1000, 1 + i % 5 FROM generate_series(1, $1::int) i', [ROWS]);

    const v2 = await project.release('2.0.0', { migrations: { ...MIGRATIONS.v1, ...MIGRATIONS.v2 } });
    const queries = queryLoop(postgres.url, 4);
    onTestFinished(async () => {
      await queries.stop();
    });
    const paths = { get: '/api/products', post: '/api/orders', postBody: '{"productId":1,"quantity":1}' };
    const { get, post, operations } = await operationsUnderLoad(project, v2, paths, { deploys: 1, switches: 0 }, 60);
    const traffic = await queries.stop();
    const output = operations[0]!.output;
    const applied = /▸ Run expand migrations \(what the live colour tolerates\)\n {4}applied 0002_add_note in (\d+) ms\n {4}applied 0003_index_customer in (\d+) ms\n(?:.*\n)*? {2}▸ Start green/.exec(output);
    const summary = `${describeLoad('GET', get)}; ${describeLoad('POST', post)}; SQL ${traffic.queries} queries, ${traffic.failed} failed, slowest ${traffic.slowestMs} ms; migrations ${applied?.[1]} ms and ${applied?.[2]} ms`;
    console.log(summary);

    // Both migrations ran in the expand phase, before the new colour started, while blue served.
    expect(applied, output).not.toBeNull();
    expect(get.requests, summary).toBeGreaterThan(1000);
    expect(post.requests, summary).toBeGreaterThan(1000);
    expect([get.non2xx, get.socketErrors, post.non2xx, post.socketErrors], summary).toEqual([
      0,
      { connect: 0, read: 0, write: 0, timeout: 0 },
      0,
      { connect: 0, read: 0, write: 0, timeout: 0 },
    ]);
    // The table took writes and reads all through the migrations.
    expect(traffic.queries, summary).toBeGreaterThan(1000);
    expect([traffic.failed, traffic.firstFailures], summary).toEqual([0, []]);

    const index = await db.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer'::regclass");
    expect(index.rows).toEqual([{ indisvalid: true }]);
  });
});
