import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '@switchyard/config';
import { builtCommandsDir, detachedProcess, type DetachedProcess, type Host, waitFor } from '@switchyard/host';
import { postgresDatabase } from '@switchyard/migrate';
import { embeddedDatabaseSocket, embeddedDatabaseUrl, serverLayout } from '@switchyard/templates';
import { DeployFailed } from './errors';

/** A first start creates the data directory: 5–8 s on a busy 2-core machine; reopening one takes well under 1 s. */
const READY_TIMEOUT_MS = 120_000;
/** It closes PGlite (flushing its last writes) on SIGTERM: give it that long before SIGKILL. */
const STOP_TIMEOUT_MS = 30_000;

/** The server bundle, beside the command that starts it in dist/commands/. */
// The server's own bundle, beside the commands' (this code may be in a chunk below them).
const serverBundle = () => join(builtCommandsDir(import.meta.url) ?? dirname(fileURLToPath(import.meta.url)), 'pglite-server.mjs');

function embeddedDatabase(config: Config, host: Host): DetachedProcess {
  const layout = serverLayout(config);
  return detachedProcess(host, 'the embedded database', { pidFile: layout.pglitePidFile, logFile: layout.pgliteLog });
}

/** One query through the socket, as the app would send it. */
async function answers(url: string): Promise<boolean> {
  const db = postgresDatabase({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await db.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** Whether the embedded database's server runs (its pid file names a live process). */
export async function embeddedDatabaseRuns(config: Config, host: Host): Promise<boolean> {
  return (await embeddedDatabase(config, host).running()) !== undefined;
}

/**
 * Starts the embedded database's server unless it runs, and waits until it answers a query on its
 * socket. Returns what it found or did, for the step's note; a server that exits or never answers
 * fails the deploy with its log's last lines, before any colour starts.
 */
export async function ensureEmbeddedDatabase(config: Config, host: Host): Promise<{ started: boolean; pid: number; ms: number }> {
  const layout = serverLayout(config);
  const server = embeddedDatabase(config, host);
  const url = embeddedDatabaseUrl(layout);
  const began = performance.now();
  const running = await server.running();
  if (!running) {
    // Only the deploy user enters it: the socket takes no password. Its parents first, with the
    // usual modes: nginx's workers go through run/ to the colours' sockets (before the deploy's own
    // checks, when dev:setup starts the database first).
    await host.mkdirp(layout.runDir);
    await host.mkdirp(layout.sharedDir);
    await host.mkdirp(layout.pgliteSocketDir, 0o700);
    await server.start({
      cwd: layout.appRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(process.env.HOME ? { HOME: process.env.HOME } : {}) },
      command: [process.execPath, serverBundle(), layout.pgliteDir, embeddedDatabaseSocket(layout)],
    });
  }
  const ready = await waitFor(async () => (await answers(url)) || !(await server.running()), { timeoutMs: READY_TIMEOUT_MS, intervalMs: 100 });
  const pid = (await server.running())?.pid;
  if (!ready || pid === undefined || !(await answers(url))) {
    const log = (await server.lastLogLines(20)).join('\n');
    const why = pid === undefined ? 'exited' : `did not answer on ${embeddedDatabaseSocket(layout)} within ${READY_TIMEOUT_MS / 1000} s`;
    throw new DeployFailed(`the embedded database (${layout.pgliteDir}) ${why}; nothing was started, traffic is unchanged${log ? `\n${layout.pgliteLog}:\n${log}` : ''}`);
  }
  return { started: !running, pid, ms: performance.now() - began };
}

/** Stops the embedded database's server, if it runs; its data stays. */
export async function stopEmbeddedDatabase(config: Config, host: Host): Promise<void> {
  await embeddedDatabase(config, host).stop(STOP_TIMEOUT_MS);
}
