import { rm } from 'node:fs/promises';

export interface ServedPglite {
  /** Stops accepting, ends every connection, then closes the database (its last writes flushed). */
  stop(): Promise<void>;
}

export interface ServeOptions {
  dataDir: string;
  /** The unix socket to listen on (`<dir>/.s.PGSQL.5432`, so libpq-style clients find it by `host=<dir>`). */
  socketPath: string;
  /** Client connections at once; pglite-socket queues their queries onto PGlite's one backend, keeping each transaction's queries together. */
  maxConnections?: number;
}

/** Both colours' pools, a migration runner and a psql beside them. */
const DEFAULT_MAX_CONNECTIONS = 32;

/**
 * PGlite served over the PostgreSQL wire protocol, so that any app reaches the embedded database
 * through an ordinary DATABASE_URL. The caller holds the data directory's lock for as long as this
 * serves (two PGlite instances on one directory corrupt it); a socket file left by a killed server
 * is removed first, since only the lock holder can be serving on it.
 */
export async function servePglite(options: ServeOptions): Promise<ServedPglite> {
  // Loaded here, not with the package: its WebAssembly is for the one process that serves.
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
  const db = new PGlite(options.dataDir);
  await db.waitReady;
  await rm(options.socketPath, { force: true });
  const server = new PGLiteSocketServer({ db, path: options.socketPath, maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
