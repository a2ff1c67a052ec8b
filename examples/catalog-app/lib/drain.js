import { log } from './log.js';

/**
 * The drain on SIGTERM and SIGINT. Switchyard itself sends SIGTERM only once nginx holds no
 * connection to this colour, and then there is nothing to drain: the process exits at once. The
 * rest is a refinement for a SIGTERM that comes earlier (nginx.drainMs ran out, a person ran
 * `systemctl stop`), in the order that loses no request behind nginx:
 *
 * 1. `state.draining = true`: the listener stays open and every response carries
 *    `Connection: close`, so each connection ends after its current request — including idle
 *    keep-alive connections that nginx still holds in its pool and may send a request on.
 * 2. After `graceMs` (longer than nginx's upstream `keepalive_timeout`, by which time nginx has
 *    dropped its idle pooled connections) the listener is closed with `server.close()`. It is not
 *    called at once because, since Node 19, it also closes idle keep-alive connections, and nginx
 *    may be sending a request on one at that moment: a POST would then fail (nginx does not retry
 *    non-idempotent requests).
 * 3. The process exits 0 when its last connection has ended, or `timeoutMs` after the signal,
 *    whichever comes first; at the deadline the remaining connections are destroyed.
 *
 * @param {import('node:http').Server} server
 * @param {{ state: { draining: boolean }, graceMs: number, timeoutMs: number, exit?: (code: number) => void }} options
 */
export function installDrain(server, { state, graceMs, timeoutMs, exit = (code) => process.exit(code) }) {
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  let startedAt = 0;
  let finished = false;
  /** @type {NodeJS.Timeout | undefined} */
  let deadline;

  /** @param {string} outcome */
  const finish = (outcome) => {
    if (finished) return;
    finished = true;
    clearTimeout(deadline);
    log('drain finished', { outcome, ms: Date.now() - startedAt, exitCode: 0 });
    exit(0);
  };

  /** @param {NodeJS.Signals} signal */
  const begin = (signal) => {
    if (state.draining) {
      log('drain already under way', { signal, ms: Date.now() - startedAt });
      return;
    }
    state.draining = true;
    startedAt = Date.now();
    log('drain started', { signal, graceMs, timeoutMs, connections: sockets.size });
    if (sockets.size === 0) {
      server.close();
      finish('no connections');
      return;
    }

    setTimeout(() => {
      log('drain grace over, closing the listener', { connections: sockets.size });
      server.close(() => finish('all connections ended'));
    }, graceMs);

    deadline = setTimeout(() => {
      log('drain timeout, destroying remaining connections', { connections: sockets.size });
      for (const socket of sockets) socket.destroy();
      finish('timeout');
    }, timeoutMs);
  };

  process.on('SIGTERM', begin);
  process.on('SIGINT', begin);
  return { begin };
}
