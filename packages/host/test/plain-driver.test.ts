import { mkdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Color, ServerLayout } from '@switchyard/templates';
import { describe, expect, it } from 'vitest';
import { ProcessError } from '../src/errors';
import { localHost } from '../src/local-host';
import { acquireLock } from '../src/lock';
import { plainDriver } from '../src/plain-driver';
import { processIdentity } from '../src/proc';
import { freePort, onCleanup, tempLayout } from './helpers';

const host = localHost();

// A tiny app: answers with what it was given, drains briefly on SIGTERM (or ignores it).
const APP = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  res.setHeader('connection', 'close');
  res.end(JSON.stringify({ color: process.env.COLOR, secret: process.env.APP_SECRET, home: process.env.HOME ?? null, cwd: process.cwd() }));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening on ' + process.env.PORT));
process.on('SIGTERM', () => {
  console.log('draining');
  if (process.env.IGNORE_SIGTERM) return;
  server.close();
  setTimeout(() => process.exit(0), 100);
});
`;

async function setup(extraEnv = '') {
  const layout = await tempLayout();
  const release = layout.release('r1');
  await mkdir(release, { recursive: true });
  await mkdir(layout.colorsDir, { recursive: true });
  await symlink('../releases/r1', layout.colorLink('blue'));
  await mkdir(layout.sharedDir, { recursive: true });
  await writeFile(layout.envFile, `APP_SECRET="from shared env"\nCOLOR=wrong\n${extraEnv}`, { mode: 0o600 });
  const port = await freePort();
  await mkdir(layout.runDir, { recursive: true });
  await writeFile(layout.colorEnvFile('blue'), `COLOR=blue\nPORT=${port}\n`);
  const driver = plainDriver({ host, layout, command: ['node', '-e', APP], envFiles: (color: Color) => [layout.envFile, layout.colorEnvFile(color)] });
  onCleanup(() => driver.stop('blue', { timeoutMs: 1_000 }));
  return { layout, driver, port, release };
}

async function listening(layout: ServerLayout): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if ((await readFile(layout.colorLog('blue'), 'utf8').catch(() => '')).includes('listening')) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the app never listened');
}

describe('plain process driver', () => {
  it('starts a detached colour with its env files, in colors/<color>, and stops it with SIGTERM', { timeout: 20_000 }, async () => {
    const { layout, driver, port, release } = await setup();
    await driver.start('blue');
    const pid = await driver.pid('blue');
    expect(pid).toBeGreaterThan(0);
    expect(await driver.isActive('blue')).toBe(true);
    await listening(layout);

    const answer = await (await fetch(`http://127.0.0.1:${port}/`)).json();
    // The colour's own file wins over the shared one; the deployer's HOME is not passed on.
    expect(answer).toEqual({ color: 'blue', secret: 'from shared env', home: null, cwd: await realpath(release) });

    await driver.start('blue');
    expect(await driver.pid('blue')).toBe(pid);

    await driver.stop('blue', { timeoutMs: 5_000 });
    expect(await driver.isActive('blue')).toBe(false);
    expect(await driver.pid('blue')).toBeUndefined();
    expect(await processIdentity(host, pid ?? 0)).toBeUndefined();
    expect(await driver.lastLogLines('blue', 2)).toEqual([`listening on ${port}`, 'draining']);
    await driver.stop('blue', { timeoutMs: 1_000 });
  });

  it('kills a colour that ignores SIGTERM once the stop timeout has passed', { timeout: 20_000 }, async () => {
    const { layout, driver } = await setup('IGNORE_SIGTERM=1\n');
    await driver.start('blue');
    await listening(layout);
    const started = Date.now();
    await driver.stop('blue', { timeoutMs: 400 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(await driver.isActive('blue')).toBe(false);
    expect(await driver.lastLogLines('blue', 1)).toEqual(['draining']);
  });

  it('does not mistake a reused pid for the colour', async () => {
    const { layout, driver } = await setup();
    await mkdir(layout.runDir, { recursive: true });
    // This test's own pid is alive, but it started at another time than the pid file says.
    await writeFile(join(layout.runDir, 'blue.pid'), `${process.pid} 1\n`);
    expect(await driver.isActive('blue')).toBe(false);
    expect(await driver.pid('blue')).toBeUndefined();
  });

  it('refuses to start a colour without a release', async () => {
    const { driver } = await setup();
    await expect(driver.start('green')).rejects.toThrow(ProcessError);
    await expect(driver.start('green')).rejects.toThrow(/colors\/green does not exist/);
  });

  it('does not pass the deploy lock on to the colour it starts', { timeout: 20_000 }, async () => {
    const { layout, driver } = await setup();
    const lock = await acquireLock(layout.lockFile, { command: 'deploy', deployId: 'd1' });
    await driver.start('blue');
    lock.release();
    const again = await acquireLock(layout.lockFile, { command: 'deploy', deployId: 'd2' });
    again.release();
  });
});
