import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';

/**
 * Listens on a unix socket (mode 0666, so that nginx's workers, running as another user, can
 * connect) or on a TCP port. Resolves to where it listens.
 *
 * @param {import('node:http').Server} server
 * @param {{ socketPath?: string, port?: number, host: string }} where
 * @returns {Promise<{ socket: string } | { host: string, port: number }>}
 */
export async function listen(server, where) {
  if (where.socketPath) {
    await mkdir(dirname(where.socketPath), { recursive: true });
    await removeStaleSocket(where.socketPath);
    await listenOn(server, where.socketPath);
    await chmod(where.socketPath, 0o666);
    return { socket: where.socketPath };
  }
  await listenOn(server, where.port ?? 3000, where.host);
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { host: address.address, port: address.port };
}

/** @param {import('node:http').Server} server @param {...any} args */
function listenOn(server, ...args) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(...args, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
}

/**
 * Removes a socket file left behind by a process that died without closing it. Refuses to touch
 * anything that is not a socket (a symlink such as live.sock, a regular file), and a socket that
 * another process still accepts connections on.
 *
 * @param {string} path
 */
export async function removeStaleSocket(path) {
  let stat;
  try {
    stat = await lstat(path);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return;
    throw error;
  }
  if (!stat.isSocket())
    throw new Error(`SOCKET_PATH ${path} exists and is not a socket (${stat.isSymbolicLink() ? 'a symlink' : 'a file'}); refusing to replace it`);
  if (await accepts(path))
    throw new Error(`SOCKET_PATH ${path} is in use: another process accepts connections on it`);
  await unlink(path).catch((error) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** @param {string} path */
function accepts(path) {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(true);
    });
  });
}
