import pg from 'pg';
import type { Database, Queryable } from './database';

// The name pg_stat_activity shows for a run: what a waiting runner names when it says who holds the lock.
const APPLICATION_NAME = 'switchyard-migrate';

const adapt = (client: pg.Pool | pg.Client): Queryable => ({
  // Without parameters pg sends a simple query, as psql would.
  query: async (sql, params) => ({ rows: (await client.query(sql, params === undefined ? undefined : [...params])).rows }),
});

/**
 * PostgreSQL through `pg`: a small pool for queries outside a run (status, and watching what a
 * migration waits for while it waits), and a connection of its own for each session.
 */
export function postgresDatabase(connection: string | pg.ClientConfig): Database {
  const config: pg.ClientConfig = {
    application_name: APPLICATION_NAME,
    ...(typeof connection === 'string' ? { connectionString: connection } : connection),
  };
  // A database that does not answer is an error in seconds, not the system's TCP timeout (minutes).
  const pool = new pg.Pool({ connectionTimeoutMillis: 10_000, ...config, max: 2, allowExitOnIdle: true });
  // An idle pooled connection that the server drops emits 'error'; unheard, it would end the process.
  // The next query gets a fresh connection instead.
  pool.on('error', () => undefined);
  return {
    singleConnection: false,
    ...adapt(pool),
    async session(work, options = {}) {
      const client = new pg.Client({ ...config, ...(options.waitMs === undefined ? {} : { connectionTimeoutMillis: options.waitMs }) });
      // A lost connection also fails the query in flight, which is where it is reported.
      client.on('error', () => undefined);
      await client.connect();
      try {
        return await work(adapt(client));
      } finally {
        // Ending the connection ends the session, and with it the advisory lock and any open transaction.
        await client.end();
      }
    },
    close: () => pool.end(),
  };
}
