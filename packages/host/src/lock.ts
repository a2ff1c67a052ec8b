import { spawn } from 'node:child_process';
import { closeSync, constants, fstatSync, ftruncateSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import { LockedError } from './errors';
import { fileError } from './local-files';
import { sleep } from './sleep';

export interface LockRequest {
  /** The command line as the user typed it, for the message another deploy gets. */
  command: string;
  deployId: string;
}

export interface LockHolder extends LockRequest {
  pid: number;
  user: string;
  /** The deploying machine, when it is not the server holding the lock. */
  machine?: string;
  /** ISO 8601 */
  startedAt: string;
}

export interface LockOptions {
  /** Wait up to this long for the holder to finish (--wait); default: fail at once. */
  waitMs?: number;
}

export interface HeldLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): void;
}

/**
 * Runs flock(1) on our own descriptor, passed as its fd 3. Node has no flock(2), but a lock taken
 * through a shared open file description belongs to that description: it outlives the flock
 * process and lasts exactly as long as our fd is open, so it ends with this process, however it dies.
 */
function flockFd(fd: number, waitMs: number | undefined): Promise<boolean> {
  const args = waitMs === undefined ? ['-x', '-n', '3'] : ['-x', '-w', String(Math.max(waitMs, 1) / 1000), '3'];
  return new Promise((resolve, reject) => {
    const child = spawn('flock', args, { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // flock exits 1 when the lock is busy (-n) or the wait ran out (-w).
      if (code === 0 || code === 1) resolve(code === 0);
      else reject(new Error(`flock failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

function readHolder(fd: number): LockHolder | undefined {
  const buffer = Buffer.alloc(Math.min(fstatSync(fd).size, 64 * 1024));
  return parseHolder(buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8'));
}

/**
 * The holder, read again for a moment when the file is still empty: a command that has just taken
 * the lock writes its line a few milliseconds later, and the refusal should name it.
 */
async function holderOf(fd: number): Promise<LockHolder | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const holder = readHolder(fd);
    if (holder) return holder;
    await sleep(20);
  }
  return undefined;
}

/** The holder's line from the lock file, or undefined when it is empty or torn. */
export function parseHolder(text: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    return typeof holder.pid === 'number' ? (holder as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

export function describeHolder(path: string, holder: LockHolder | undefined, waitMs: number | undefined): string {
  const waited = waitMs === undefined ? '' : ` (still held after waiting ${Math.round(waitMs / 1000)} s)`;
  if (!holder) return `${path} is held by another command that is just starting${waited}`;
  const seconds = Math.round((Date.now() - Date.parse(holder.startedAt)) / 1000);
  return (
    `${path} is held by pid ${holder.pid}${holder.machine ? ` on ${holder.machine}` : ''} (user ${holder.user}, command "${holder.command}", deploy ${holder.deployId}) ` +
    `since ${holder.startedAt}, ${seconds} s ago${waited}`
  );
}

/** Takes the deploy lock or throws LockedError (exit code 3) naming the holder. */
export async function acquireLock(path: string, request: LockRequest, options: LockOptions = {}): Promise<HeldLock> {
  let fd: number;
  try {
    // A plain number, not a FileHandle: a FileHandle is closed when garbage collected, which
    // would drop the lock silently.
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  } catch (error) {
    throw fileError('open the lock', path, error);
  }
  try {
    if (!(await flockFd(fd, options.waitMs))) throw new LockedError(describeHolder(path, await holderOf(fd), options.waitMs));
    const holder: LockHolder = { ...request, pid: process.pid, user: userInfo().username, startedAt: new Date().toISOString() };
    // Written in place, never renamed over: the lock lives on this inode.
    ftruncateSync(fd, 0);
    writeSync(fd, `${JSON.stringify(holder)}\n`, 0);
    fsyncSync(fd);
    let held = true;
    return {
      path,
      holder,
      release: () => {
        // A second close could hit an unrelated file that reused the descriptor number.
        if (!held) return;
        held = false;
        ftruncateSync(fd, 0);
        closeSync(fd);
      },
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
