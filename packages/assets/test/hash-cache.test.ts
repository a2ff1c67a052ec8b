import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readAssetFolder } from '../src/index';
import { RACY_MS, settledBefore, stampOf } from '../src/hash-cache';
import { tempFolder } from './support/folder';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A clock a minute ahead: every file just written counts as settled, as if hashed a minute later. */
const later = () => Date.now() + 60_000;

describe('settledBefore (racy stamps)', () => {
  const stamp = (mtimeMs: number, ctimeMs: number) => ({ size: 1, mtimeNs: `${mtimeMs}000000`, ctimeNs: `${ctimeMs}000000`, ino: '1', dev: '1' });
  it('trusts a stamp only when both its mtime and its ctime are more than RACY_MS before the read', () => {
    const read = 1_700_000_000_000;
    expect(settledBefore(stamp(read - RACY_MS - 1, read - RACY_MS - 1), read)).toBe(true);
    expect(settledBefore(stamp(read - RACY_MS, read - 10_000), read)).toBe(false);
    expect(settledBefore(stamp(read - 10_000, read - 5), read)).toBe(false); // mtime set back (touch -d, tar), ctime new
  });
});

describe('readAssetFolder with a hash cache', () => {
  it('remembers hashes and gives them back without reading the file while its stamp is the same', async () => {
    const dir = tempFolder({ 'a.css': 'body{}\n', 'b.js': 'x\n' });
    const cache = join(tempFolder(), 'hashes.json');
    const first = await readAssetFolder(dir, { hashCache: cache, nowMs: later });
    expect(first.map((file) => file.sha256)).toEqual([sha256('body{}\n'), sha256('x\n')]);
    // Proof that an unchanged file is not read: a remembered hash (deliberately wrong here) is what comes back.
    const saved = JSON.parse(readFileSync(cache, 'utf8')) as { files: Record<string, { sha256: string }> };
    saved.files['a.css']!.sha256 = 'f'.repeat(64);
    writeFileSync(cache, JSON.stringify(saved));
    const second = await readAssetFolder(dir, { hashCache: cache, nowMs: later });
    expect(second.map((file) => file.sha256)).toEqual(['f'.repeat(64), sha256('x\n')]);
  });

  it('notices a same-size edit even when the mtime is put back (cp -p, tar, rsync -t): the ctime moved', async () => {
    const dir = tempFolder({ 'a.css': 'body{color:red}\n' });
    const cache = join(tempFolder(), 'hashes.json');
    // Whole seconds, so the mtime can be put back exactly (utimes takes a double).
    const mtime = 1_700_000_000;
    utimesSync(join(dir, 'a.css'), mtime, mtime);
    await readAssetFolder(dir, { hashCache: cache, nowMs: later });
    writeFileSync(join(dir, 'a.css'), 'body{color:tan}\n');
    utimesSync(join(dir, 'a.css'), mtime, mtime);
    expect(statSync(join(dir, 'a.css'), { bigint: true }).mtimeNs).toBe(BigInt(mtime) * 1_000_000_000n);
    const [file] = await readAssetFolder(dir, { hashCache: cache, nowMs: later });
    expect(file).toMatchObject({ size: 16, sha256: sha256('body{color:tan}\n') });
  });

  it('does not remember a file written within RACY_MS of its reading: a second write in the same tick would keep its stamp', async () => {
    const dir = tempFolder({ 'a.css': 'one\n', 'old.css': 'old\n' });
    const cache = join(tempFolder(), 'hashes.json');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'old.css'), past, past);
    // The real clock: a.css was written just now. (old.css has an old mtime but a new ctime, so it is not remembered either.)
    await readAssetFolder(dir, { hashCache: cache });
    const saved = existsSync(cache) ? (JSON.parse(readFileSync(cache, 'utf8')) as { files: Record<string, unknown> }).files : {};
    expect(Object.keys(saved)).toEqual([]);
    await readAssetFolder(dir, { hashCache: cache, nowMs: later });
    expect(Object.keys((JSON.parse(readFileSync(cache, 'utf8')) as { files: Record<string, unknown> }).files)).toEqual(['a.css', 'old.css']);
  });

  it('ignores a cache written for another folder, and one that does not parse', async () => {
    const dir = tempFolder({ 'a.css': 'a\n' });
    const other = tempFolder({ 'a.css': 'b\n' });
    const cache = join(tempFolder(), 'hashes.json');
    await readAssetFolder(other, { hashCache: cache, nowMs: later });
    expect((await readAssetFolder(dir, { hashCache: cache, nowMs: later }))[0]!.sha256).toBe(sha256('a\n'));
    writeFileSync(cache, '{ not json');
    expect((await readAssetFolder(dir, { hashCache: cache, nowMs: later }))[0]!.sha256).toBe(sha256('a\n'));
  });

  it('takes the stamp with the bytes: stampOf a file is what a later stat of it gives', () => {
    const dir = tempFolder({ 'a.css': 'a\n' });
    const stats = statSync(join(dir, 'a.css'), { bigint: true });
    expect(stampOf(stats)).toEqual({ size: 2, mtimeNs: String(stats.mtimeNs), ctimeNs: String(stats.ctimeNs), ino: String(stats.ino), dev: String(stats.dev) });
  });
});
