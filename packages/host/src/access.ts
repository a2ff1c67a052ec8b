import { HostFileError } from './errors';
import type { Host } from './host';

/** Who a process acts as, for permission checks: its effective uid and every group it has. */
export interface Identity {
  uid: number;
  gids: number[];
}

/** One path on the way to a file, as `stat -L` reports it. */
export interface PathStat {
  path: string;
  uid: number;
  gid: number;
  mode: number;
}

/** The permission bits that apply to `who` (owner, else group, else others), as POSIX picks them. */
function bitsFor(stat: PathStat, who: Identity): number {
  if (stat.uid === who.uid) return (stat.mode >> 6) & 7;
  if (who.gids.includes(stat.gid)) return (stat.mode >> 3) & 7;
  return stat.mode & 7;
}

const EXECUTE = 1;
const WRITE = 2;

/**
 * Why `who` cannot connect to the unix socket at the end of `chain` (every directory from / down,
 * then the socket), or undefined when it can: connect() needs search permission on each directory
 * and write permission on the socket. Root passes every check.
 */
export function whyCannotConnect(chain: readonly PathStat[], who: Identity): string | undefined {
  if (who.uid === 0) return undefined;
  const socket = chain.at(-1);
  for (const stat of chain.slice(0, -1))
    if ((bitsFor(stat, who) & EXECUTE) === 0) return `${stat.path} (mode ${stat.mode.toString(8)}, owner ${stat.uid}:${stat.gid}) cannot be traversed`;
  if (socket && (bitsFor(socket, who) & WRITE) === 0)
    return `${socket.path} (mode ${socket.mode.toString(8)}, owner ${socket.uid}:${socket.gid}) is not writable`;
  return undefined;
}

/** Every directory from / down to the file's, then the file itself. */
function chainTo(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}

/** stat -L of each path on the way to `path`, read on the host; each one must exist. */
export async function statChain(host: Host, path: string): Promise<PathStat[]> {
  const chain = chainTo(path);
  const stats = await host.stat(chain, { follow: true });
  const missing = chain.find((step, i) => stats[i]?.path !== step);
  if (missing !== undefined) throw new HostFileError('inspect', missing, 'ENOENT', 'no such file or directory');
  return stats;
}

/** The owner, group and mode of each path that exists (not following links), by path. */
export async function statPaths(host: Host, paths: readonly string[]): Promise<Map<string, PathStat>> {
  return new Map((await host.stat(paths, { follow: false })).map((stat) => [stat.path, stat]));
}

/** The effective uid and groups of a running process, from /proc/<pid>/status. */
export async function processIdentityOf(host: Host, pid: number): Promise<Identity | undefined> {
  const status = await host.readFile(`/proc/${pid}/status`);
  if (status === undefined) return undefined;
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim().split(/\s+/).filter(Boolean).map(Number);
  const uid = field('Uid')?.[1];
  const gid = field('Gid')?.[1];
  if (uid === undefined || gid === undefined) return undefined;
  return { uid, gids: [...new Set([gid, ...(field('Groups') ?? [])])] };
}
