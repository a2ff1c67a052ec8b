import { spawn } from 'node:child_process';
import { promises as fsPromises } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink as fsReadlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { HostFileError } from '../src/errors';
import * as files from '../src/local-files';
import { firstLine, tempDir } from './helpers';

const READER = `
const fs = require('node:fs');
let reads = 0, missing = 0;
process.on('SIGTERM', () => { process.stdout.write(JSON.stringify({ reads, missing })); process.exit(0); });
process.stdout.write('ready\\n');
(function loop() {
  for (let i = 0; i < 200; i++) { try { fs.readlinkSync(process.argv[1]); reads++; } catch { missing++; } }
  setImmediate(loop);
})();
`;

describe('local files', () => {
  it('writes atomically with the mode asked for, leaving no temp file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'env');
    await files.writeFileAtomic(file, 'A=1\n', 0o600);
    await files.writeFileAtomic(file, 'A=2\n', 0o600);
    expect(await readFile(file, 'utf8')).toBe('A=2\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['env']);
  });

  it('creates the temp file with the final mode, so a secret is never in a file others can read', async () => {
    const dir = await tempDir();
    const open = vi.spyOn(fsPromises, 'open');
    onTestFinished(() => open.mockRestore());
    await files.writeFileAtomic(join(dir, 'env'), 'SECRET=1\n', 0o600);
    expect(open).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`^${dir}/\\.env\\..*\\.tmp$`)), 'wx', 0o600);
  });

  it.skipIf(process.getuid?.() !== 0)('gives the group asked for before the file appears', async () => {
    const dir = await tempDir();
    const file = join(dir, 'htpasswd');
    const nogroup = 65534;
    await files.writeFileAtomic(file, 'team:{SSHA}x\n', 0o640, nogroup);
    expect((await stat(file)).gid).toBe(nogroup);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
  });

  it('fails with the path and the reason, and cleans up', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'taken'));
    const error = await files.writeFileAtomic(join(dir, 'taken'), 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostFileError);
    expect((error as HostFileError).message).toMatch(new RegExp(`^cannot write ${dir}/taken: .* \\(EISDIR\\)$`));
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('replaces a symlink with one rename, never leaving the path without a link', async () => {
    const dir = await tempDir();
    const link = join(dir, 'live.sock');
    await files.symlinkAtomic('blue.sock', link);
    await files.symlinkAtomic('green.sock', link);
    expect(await fsReadlink(link)).toBe('green.sock');
    expect(await files.readlink(link)).toBe('green.sock');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readdir(dir)).toEqual(['live.sock']);
  });

  it('never lets a reader in another process find the link missing while it is switched', { timeout: 20_000 }, async () => {
    const dir = await tempDir();
    const link = join(dir, 'live.sock');
    await files.symlinkAtomic('blue.sock', link);
    // A separate process reads the link in a tight loop and counts the times it was not there.
    const reader = spawn(process.execPath, ['-e', READER, link], { stdio: ['ignore', 'pipe', 'inherit'] });
    onTestFinished(() => void (reader.exitCode === null && reader.kill('SIGKILL')));
    let out = '';
    reader.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const report = new Promise<string>((resolve) => reader.on('exit', () => resolve(out.slice('ready\n'.length))));
    expect(await firstLine(reader)).toBe('ready');
    for (let i = 0; i < 2_000; i++) await files.symlinkAtomic(i % 2 ? 'blue.sock' : 'green.sock', link);
    reader.kill('SIGTERM');
    const { reads, missing } = JSON.parse(await report) as { reads: number; missing: number };
    expect(reads).toBeGreaterThan(1_000);
    expect(missing).toBe(0);
  });

  it('reads links, files and directories that may be missing', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'plain'), 'text');
    await symlink('nowhere', join(dir, 'dangling'));
    expect(await files.readlink(join(dir, 'plain'))).toBeUndefined();
    expect(await files.readlink(join(dir, 'missing'))).toBeUndefined();
    expect(await files.exists(join(dir, 'dangling'))).toBe(true);
    expect(await files.exists(join(dir, 'missing'))).toBe(false);
    expect(await files.readFile(join(dir, 'missing'))).toBeUndefined();
    expect(await files.readFile(join(dir, 'plain'))).toBe('text');
    expect(await files.listDir(dir)).toEqual(['dangling', 'plain']);
    expect(await files.listDir(join(dir, 'missing'))).toEqual([]);
  });

  it('creates, appends to and removes', async () => {
    const dir = await tempDir();
    const nested = join(dir, 'a', 'b');
    await files.mkdirp(nested, 0o750);
    await files.appendFile(join(nested, 'log'), 'one\n');
    await files.appendFile(join(nested, 'log'), 'two\n');
    expect(await readFile(join(nested, 'log'), 'utf8')).toBe('one\ntwo\n');
    await files.remove(join(dir, 'a'));
    await files.remove(join(dir, 'a'));
    expect(await files.exists(join(dir, 'a'))).toBe(false);
  });

  it('reports free space and whether a directory takes writes', async () => {
    const dir = await tempDir();
    expect(await files.diskFree(dir)).toBeGreaterThan(0);
    await files.checkWritable(dir);
    expect(await readdir(dir)).toEqual([]);
    await writeFile(join(dir, 'file'), '');
    await expect(files.checkWritable(join(dir, 'file'))).rejects.toThrow(/ENOTDIR/);
    await expect(files.checkWritable('/proc')).rejects.toBeInstanceOf(HostFileError);
  });
});
