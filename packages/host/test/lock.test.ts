import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockedError } from '../src/errors';
import { acquireLock } from '../src/lock';
import { exited, firstLine, onCleanup, spawnFixture, tempDir, waitFor } from './helpers';

async function lockFile(): Promise<string> {
  return join(await tempDir(), 'deploy.lock');
}

/** Whether a process is blocked in flock(2) on the file: the kernel lists waiters as "-> FLOCK …" with the file's inode. */
async function someoneWaitsOn(file: string): Promise<boolean> {
  const { ino } = await stat(file);
  const waiting = new RegExp(`-> FLOCK .* [0-9a-f]+:[0-9a-f]+:${ino} `);
  return (await readFile('/proc/locks', 'utf8')).split('\n').some((line) => waiting.test(line));
}

describe('deploy lock', () => {
  it('refuses a second process with exit code 3, naming the holder', { timeout: 20_000 }, async () => {
    const file = await lockFile();
    const holder = spawnFixture('hold-lock.ts', [file]);
    const held = await firstLine(holder);
    expect(held).toBe(`held ${holder.pid}`);

    const second = spawnFixture('hold-lock.ts', [file]);
    const refused = await firstLine(second);
    expect(await exited(second)).toBe(3);
    expect(refused).toMatch(/^refused 3 /);
    expect(refused).toContain(`pid ${holder.pid}`);
    expect(refused).toContain('command "hold-lock"');
    expect(refused).toMatch(/user \S+/);
    expect(refused).toMatch(/since \d{4}-\d\d-\d\dT/);
  });

  it('is freed when its holder is killed with SIGKILL', { timeout: 20_000 }, async () => {
    const file = await lockFile();
    const holder = spawnFixture('hold-lock.ts', [file]);
    await firstLine(holder);
    await expect(acquireLock(file, { command: 'test', deployId: 'd1' })).rejects.toBeInstanceOf(LockedError);

    holder.kill('SIGKILL');
    await exited(holder);
    const lock = await acquireLock(file, { command: 'test', deployId: 'd2' });
    onCleanup(() => lock.release());
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid, command: 'test', deployId: 'd2' });
  });

  it('waits with a bound for the holder to finish (--wait)', { timeout: 20_000 }, async () => {
    const file = await lockFile();
    const first = await acquireLock(file, { command: 'first', deployId: 'd1' });
    const waiter = spawnFixture('hold-lock.ts', [file, '10000']);
    const line = firstLine(waiter);
    // Released only once the waiter is blocked in flock: before that, it would find the lock free
    // and take it without waiting at all.
    await waitFor(() => someoneWaitsOn(file), 10_000);
    first.release();
    expect(await line).toBe(`held ${waiter.pid}`);
  });

  it('gives up waiting after the bound, naming the holder', { timeout: 20_000 }, async () => {
    const file = await lockFile();
    const lock = await acquireLock(file, { command: 'long deploy', deployId: 'd1' });
    onCleanup(() => lock.release());
    const started = Date.now();
    const error = await acquireLock(file, { command: 'second', deployId: 'd2' }, { waitMs: 300 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).exitCode).toBe(3);
    expect((error as LockedError).message).toContain('command "long deploy"');
    expect((error as LockedError).message).toContain('still held after waiting');
  });

  it('can be taken again after release, and release twice is harmless', async () => {
    const file = await lockFile();
    const lock = await acquireLock(file, { command: 'a', deployId: 'd1' });
    lock.release();
    lock.release();
    expect(await readFile(file, 'utf8')).toBe('');
    const again = await acquireLock(file, { command: 'b', deployId: 'd2' });
    again.release();
  });
});
