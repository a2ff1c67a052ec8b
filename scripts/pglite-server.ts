// node dist/commands/pglite-server.mjs DATA_DIR SOCKET_PATH
// The embedded database's server (migrations.database "pglite"), started by a deploy of the
// environment as a detached process (packages/deploy/src/embedded-database.ts), never by hand. It
// holds the data directory's lock for as long as it serves, so that no command opens PGlite beside
// it; those commands reach the database through its socket instead. Ends on SIGTERM or SIGINT.
import { mkdirSync } from 'node:fs';
import { acquireLock } from '@switchyard/host';
import { servePglite } from '@switchyard/migrate';

const [dataDir, socketPath] = process.argv.slice(2);
if (!dataDir || !socketPath) {
  console.error('usage: node pglite-server.mjs DATA_DIR SOCKET_PATH (started by a deploy, not by hand)');
  process.exit(2);
}

/** As long as a command that has the directory open may take to finish (a migration). */
const LOCK_WAIT_MS = 60_000;

try {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireLock(`${dataDir}.lock`, { command: 'switchyard pglite-server', deployId: 'embedded-database' }, { waitMs: LOCK_WAIT_MS });
  const served = await servePglite({ dataDir, socketPath });
  console.log(`serving ${dataDir} on ${socketPath} (pid ${process.pid})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing the database`);
    served
      .stop()
      .then(() => {
        lock.release();
        console.log('closed');
        process.exit(0);
      })
      .catch((error: unknown) => {
        console.error(`closing failed: ${(error as Error).message}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  console.error(`the embedded database did not start: ${(error as Error).message}`);
  process.exit(1);
}
