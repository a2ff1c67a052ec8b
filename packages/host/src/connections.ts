import type { Host } from './host';

/** Where a colour accepts connections: its unix socket, or its TCP port. */
export type ListenTarget = { socketPath: string } | { port: number };

// /proc/net/unix: "Num RefCount Protocol Flags Type St Inode Path"; an accepted connection carries
// the path its listener was bound to, state 03 (connected); the listener itself is state 01.
const UNIX_CONNECTED = '03';

/** Connections accepted on the unix socket bound at `path` that are still open. */
export function countUnixConnections(procNetUnix: string, path: string): number {
  let count = 0;
  for (const line of procNetUnix.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length >= 8 && fields[5] === UNIX_CONNECTED && fields.slice(7).join(' ') === path) count++;
  }
  return count;
}

// /proc/net/tcp and tcp6: "sl local_address rem_address st …", addresses as HEXIP:HEXPORT. States
// in which the peer can still send a request: 01 established, 03 SYN received (being accepted).
const TCP_OPEN = new Set(['01', '03']);

/** Connections to local `port` (the server's side of each) that a client can still send on. */
export function countTcpConnections(procNetTcp: string, port: number): number {
  let count = 0;
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (local === undefined || fields[3] === undefined) continue;
    if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && TCP_OPEN.has(fields[3])) count++;
  }
  return count;
}

/**
 * How many connections the colour behind `target` still holds. While it holds none and nothing
 * can make a new one (no link leads to it), it will receive no request again.
 */
export async function openConnections(host: Host, target: ListenTarget): Promise<number> {
  if ('socketPath' in target) return countUnixConnections((await host.readFile('/proc/net/unix')) ?? '', target.socketPath);
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) count += countTcpConnections((await host.readFile(file)) ?? '', target.port);
  return count;
}
