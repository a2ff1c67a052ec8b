import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { postgresUnavailable, startTestPostgres } from '@switchyard/testbed';
import type { Database } from '../../src/database';
import { pgliteDatabase } from '../../src/pglite';
import { postgresDatabase } from '../../src/postgres';

/** A database the shared suite runs against, and how to get more connections to it. */
export interface OpenTarget {
  db: Database;
  /** Another Database on the same data: a second runner's own connections (PostgreSQL), or the same instance (PGlite, which has one). */
  another(): Database;
  /** A connection URL for a plain pg.Client, to hold locks from outside the runner; only PostgreSQL has one. */
  url: string | undefined;
  close(): Promise<void>;
}

export interface Target {
  name: string;
  /** PGlite: one connection, which a run's session holds whole. */
  singleConnection: boolean;
  /** Why the suite cannot run here, if it cannot. */
  unavailable: string | undefined;
  open(): Promise<OpenTarget>;
}

export const targets: Target[] = [
  {
    name: 'PostgreSQL',
    singleConnection: false,
    unavailable: postgresUnavailable(),
    async open() {
      const server = await startTestPostgres();
      const opened: Database[] = [];
      const another = () => {
        const db = postgresDatabase(server.url);
        opened.push(db);
        return db;
      };
      return {
        db: another(),
        another,
        url: server.url,
        async close() {
          await Promise.all(opened.map((db) => db.close()));
          await server.stop();
        },
      };
    },
  },
  {
    name: 'PGlite',
    singleConnection: true,
    unavailable: undefined,
    async open() {
      // On disk, not in memory: in-memory PGlite takes ~730 MB and 1.5–3 s to start.
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-pglite-'));
      const pglite = await PGlite.create(dir);
      const db = pgliteDatabase(pglite);
      return {
        db,
        another: () => db,
        url: undefined,
        async close() {
          // An instance never closed keeps Node alive.
          await pglite.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
