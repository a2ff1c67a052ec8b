import { randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * What a file looked like when it was hashed: everything a write, a rename over it or a copy that
 * keeps its times changes. mtime alone is not enough (`touch -d`, `tar`, `rsync -t`, `cp -p` set
 * it back), but they cannot set ctime: the kernel sets it to "now" on every write, rename and
 * utimes. The inode and device catch a file replaced by another that kept every time.
 */
export interface FileStamp {
  readonly size: number;
  /** Nanoseconds since the epoch, as decimal strings (they do not fit a double). */
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  readonly ino: string;
  readonly dev: string;
}

export interface CachedHash extends FileStamp {
  readonly sha256: string;
  readonly md5: string;
}

export function stampOf(stats: BigIntStats): FileStamp {
  return { size: Number(stats.size), mtimeNs: String(stats.mtimeNs), ctimeNs: String(stats.ctimeNs), ino: String(stats.ino), dev: String(stats.dev) };
}

export const sameStamp = (a: FileStamp, b: FileStamp): boolean =>
  a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;

/**
 * A file written within this long before it was read is hashed again next time instead of being
 * remembered. Timestamps come in ticks (a few ms on ext4, 1 s on HFS+ and some network mounts,
 * 2 s on FAT): a file rewritten with the same size in the tick we read it in would keep its stamp
 * and its change would be missed ("racy git"). A stamp older than the read by more than a tick
 * cannot be produced by a later write, whose mtime and ctime are at least the read's time minus
 * one tick. It assumes the file system's clock is this machine's (a network mount whose server
 * lags by more than this could defeat it); 2 s covers the coarsest local file systems.
 */
export const RACY_MS = 2000;

export function settledBefore(stamp: FileStamp, readStartMs: number): boolean {
  const limitNs = BigInt(Math.floor(readStartMs - RACY_MS)) * 1_000_000n;
  return BigInt(stamp.mtimeNs) < limitNs && BigInt(stamp.ctimeNs) < limitNs;
}

interface CacheFile {
  readonly version: 1;
  /** The folder the paths are relative to: a cache file handed another folder starts empty. */
  readonly dir: string;
  readonly files: Record<string, CachedHash>;
}

/** The remembered hashes of a folder's files (by relative path); empty when the file is missing, unreadable or about another folder. */
export async function loadHashCache(file: string, dir: string): Promise<Map<string, CachedHash>> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheFile>;
    if (parsed.version !== 1 || parsed.dir !== dir || typeof parsed.files !== 'object' || parsed.files === null) return new Map();
    return new Map(Object.entries(parsed.files));
  } catch {
    // A cache is only ever a shortcut: a missing or damaged one means hashing everything.
    return new Map();
  }
}

/** Temp file and rename, so a crash or a concurrent publish leaves the old cache or the new one, never a part. */
export async function saveHashCache(file: string, dir: string, files: ReadonlyMap<string, CachedHash>): Promise<void> {
  const content: CacheFile = { version: 1, dir, files: Object.fromEntries(files) };
  const temp = join(dirname(file), `.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(temp, JSON.stringify(content));
    await rename(temp, file);
  } catch {
    // Not writing it only costs the next publish its hashing.
    await unlink(temp).catch(() => undefined);
  }
}
