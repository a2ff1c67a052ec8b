import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PathStat } from './access';
import { HostFileError } from './errors';

type Errno = NodeJS.ErrnoException;

/** A HostFileError from a node:fs error: the operation, the path, and the system's reason. */
export function fileError(operation: string, path: string, error: unknown): HostFileError {
  const e = error as Errno;
  // Node's message repeats the code and the path; keep only the reason ("permission denied").
  const reason = (e.message ?? String(error)).replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return new HostFileError(operation, path, e.code, reason);
}

async function attempt<T>(operation: string, path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw fileError(operation, path, error);
  }
}

function isMissing(error: unknown): boolean {
  return (error as Errno).code === 'ENOENT';
}

/** A name next to `path`, hidden, unique to this attempt: same directory, so rename stays atomic. */
function siblingTemp(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function readFile(path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw fileError('read', path, error);
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw fileError('inspect', path, error);
  }
}

export async function mkdirp(path: string, mode = 0o755): Promise<void> {
  await attempt('create directory', path, () => fs.mkdir(path, { recursive: true, mode }));
}

/** fsync a directory so that a rename inside it survives a power cut, not only a crash. */
async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomic(path: string, content: string, mode = 0o644, group?: number): Promise<void> {
  const temp = siblingTemp(path);
  await attempt('write', path, async () => {
    try {
      const handle = await fs.open(temp, 'wx', mode);
      try {
        await handle.writeFile(content, 'utf8');
        if (group !== undefined) await handle.chown(-1, group);
        // open() applies the umask; secrets files must end up with exactly the mode asked for.
        await handle.chmod(mode);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, path);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    await syncDir(dirname(path));
  });
}

export async function appendFile(path: string, content: string, mode = 0o644): Promise<void> {
  await attempt('append to', path, () => fs.appendFile(path, content, { mode, flag: 'a' }));
}

export async function symlinkAtomic(target: string, linkPath: string): Promise<void> {
  const temp = siblingTemp(linkPath);
  await attempt('link', linkPath, async () => {
    await fs.symlink(target, temp);
    try {
      await fs.rename(temp, linkPath);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  });
}

export async function readlink(path: string): Promise<string | undefined> {
  try {
    return await fs.readlink(path);
  } catch (error) {
    const code = (error as Errno).code;
    if (code === 'ENOENT' || code === 'EINVAL') return undefined;
    throw fileError('read link', path, error);
  }
}

export async function pointLinks(links: readonly { path: string; target: string }[]): Promise<number> {
  let changed = 0;
  for (const link of links) {
    if ((await readlink(link.path)) === link.target) continue;
    await symlinkAtomic(link.target, link.path);
    changed++;
  }
  return changed;
}

export async function remove(path: string): Promise<void> {
  await attempt('remove', path, () => fs.rm(path, { recursive: true, force: true }));
}

export async function listDir(path: string): Promise<string[]> {
  try {
    return (await fs.readdir(path)).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw fileError('list', path, error);
  }
}

export async function diskFree(path: string): Promise<number> {
  const stats = await attempt('inspect the filesystem of', path, () => fs.statfs(path));
  return stats.bavail * stats.bsize;
}

// Large enough to fail on a nearly full disk, where creating an empty file still succeeds.
const PROBE_BYTES = 64 * 1024;

export async function checkWritable(dir: string): Promise<void> {
  const probe = join(dir, `.switchyard-probe.${process.pid}.${randomBytes(4).toString('hex')}`);
  await attempt('write in', dir, async () => {
    try {
      const handle = await fs.open(probe, 'wx', 0o600);
      try {
        await handle.write(Buffer.alloc(PROBE_BYTES));
        await handle.sync();
      } finally {
        await handle.close();
      }
    } finally {
      await fs.rm(probe, { force: true });
    }
  });
}

export async function stat(paths: readonly string[], options: { follow: boolean }): Promise<PathStat[]> {
  const stats: PathStat[] = [];
  for (const path of paths) {
    try {
      const found = options.follow ? await fs.stat(path) : await fs.lstat(path);
      stats.push({ path, uid: found.uid, gid: found.gid, mode: found.mode & 0o7777 });
    } catch (error) {
      // A path below a file is as absent as a missing one.
      if (!isMissing(error) && (error as Errno).code !== 'ENOTDIR') throw fileError('inspect', path, error);
    }
  }
  return stats;
}
