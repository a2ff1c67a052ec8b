import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import type { Database, Queryable } from './database';
import { MigrationLockedError } from './errors';

const adapt = (target: PGliteInterface | Transaction): Queryable => ({
  async query(sql, params) {
    if (params !== undefined) return { rows: (await target.query(sql, [...params])).rows as never[] };
    // exec sends a simple query, as psql would; one statement gives one result.
    const results = await target.exec(sql);
    return { rows: (results.at(-1)?.rows ?? []) as never[] };
  },
});

/**
 * PGlite: one backend, one connection. A session holds the whole instance through PGlite's own
 * transaction mutex, the only public way to keep every other caller of the instance (another
 * runner, the app sharing it) out until the session ends, exactly as a dedicated connection would.
 * The BEGIN that PGlite opens is committed at once, so the session runs its own transactions (or
 * none, for CREATE INDEX CONCURRENTLY) as on any connection; a fresh BEGIN before the end gives
 * PGlite's COMMIT something to close.
 *
 * While PGlite believes a transaction is open it skips its sync after each query; on a data directory
 * (NodeFS) that sync does nothing, as every write reaches the files at once, but an in-browser
 * file system (idb://) would be synced only when the session ends.
 *
 * The advisory lock the runner takes is always granted at once here (there is no other backend to
 * hold it): on PGlite the mutex is what makes a second runner wait, bounded by `waitMs`.
 */
export function pgliteDatabase(pglite: PGliteInterface): Database {
  return {
    singleConnection: true,
    ...adapt(pglite),
    session: <T>(work: (session: Queryable) => Promise<T>, options: { waitMs?: number } = {}) =>
      new Promise<T>((resolve, reject) => {
        let state: 'waiting' | 'held' | 'abandoned' = 'waiting';
        const timer =
          options.waitMs === undefined
            ? undefined
            : setTimeout(() => {
                if (state !== 'waiting') return;
                state = 'abandoned';
                reject(new MigrationLockedError(`another migration run in this process holds the PGlite database; waited ${options.waitMs} ms`));
              }, options.waitMs);
        pglite
          .transaction(async (tx) => {
            // Given up on already: let the instance go at once.
            if (state === 'abandoned') return;
            state = 'held';
            clearTimeout(timer);
            await tx.exec('COMMIT');
            try {
              resolve(await work(adapt(tx)));
            } catch (error) {
              reject(error);
            } finally {
              await tx.exec('BEGIN');
            }
          })
          .catch(reject);
      }),
    close: () => pglite.close(),
  };
}
