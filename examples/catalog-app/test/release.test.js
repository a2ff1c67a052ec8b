import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRelease } from '../make-release.mjs';
import { appDir, cleanup, request, start, startServer, tempDir } from './helpers.js';

afterEach(cleanup);

const cli = (/** @type {string[]} */ ...args) =>
  spawnSync(process.execPath, [join(appDir, 'make-release.mjs'), ...args], { encoding: 'utf8', timeout: 10_000 });

describe('make-release', () => {
  it('makes version 2 with the same package files, and it runs from its own folder', { timeout: 10_000 }, async () => {
    const dest = join(tempDir(), 'v2');
    const made = cli('2.0.0', dest);
    expect(made.status).toBe(0);
    expect(readFileSync(join(dest, 'VERSION'), 'utf8').trim()).toBe('2.0.0');
    expect(existsSync(join(dest, 'BROKEN'))).toBe(false);
    expect(existsSync(join(dest, 'test'))).toBe(false);
    for (const file of ['package.json', 'package-lock.json'])
      expect(readFileSync(join(dest, file), 'utf8')).toBe(readFileSync(join(appDir, file), 'utf8'));

    const app = await startServer({ dir: dest, env: { PORT: '0', COLOR: 'green' } });
    expect(app.listening.version).toBe('2.0.0');
    const res = await request(app.target, { path: '/health' });
    expect([res.status, res.body, res.headers['x-app-version'], res.headers['x-app-color']]).toEqual([200, 'ok', '2.0.0', 'green']);
    expect((await request(app.target, { path: '/assets/app.css' })).status).toBe(200);
  });

  it('makes a broken version 3 whose /health answers 500 "broken"', { timeout: 10_000 }, async () => {
    const dest = await makeRelease({ version: '3.0.0', destDir: join(tempDir(), 'v3'), broken: true });
    const app = await startServer({ dir: dest, env: { SOCKET_PATH: join(dest, 'app.sock') } });
    expect(app.listening).toMatchObject({ version: '3.0.0', broken: true });
    const health = await request(app.target, { path: '/health' });
    expect([health.status, health.body, health.headers['x-app-version']]).toEqual([500, 'broken', '3.0.0']);
    expect((await request(app.target, { path: '/api/products' })).status).toBe(200);
  });

  it('refuses bad input with exit code 2, and replaces a folder only with --force', { timeout: 10_000 }, () => {
    const dir = tempDir();
    expect(cli('two', join(dir, 'a')).status).toBe(2);
    expect(cli('2.0.0').status).toBe(2);
    expect(cli('2.0.0', join(dir, 'a'), '--brokn').status).toBe(2);
    expect(cli('2.0.0', join(appDir, 'out')).status).toBe(2);
    writeFileSync(join(dir, 'keep'), 'x');
    const notEmpty = cli('2.0.0', dir);
    expect(notEmpty.status).toBe(2);
    expect(notEmpty.stderr).toMatch(/not empty/);
    expect(cli('2.0.1', dir, '--force').status).toBe(0);
    expect(existsSync(join(dir, 'keep'))).toBe(false);
    expect(readFileSync(join(dir, 'VERSION'), 'utf8')).toBe('2.0.1\n');
  });
});

describe('the worker', () => {
  it('beats and exits 0 on SIGTERM', { timeout: 10_000 }, async () => {
    const worker = start({ script: 'worker.js', env: { HEARTBEAT_MS: '50', COLOR: 'blue' } });
    expect(await worker.waitFor('worker heartbeat')).toMatchObject({ version: '1.0.0', color: 'blue', beats: 1 });
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toMatchObject({ code: 0, signal: null });
    expect(worker.lines.at(-1)).toMatchObject({ msg: 'worker stopped', signal: 'SIGTERM' });
  });
});
