import { lstat, mkdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Color, ServerLayout } from '@switchyard/templates';
import { describe, expect, it } from 'vitest';
import { ProcessError } from '../src/errors';
import { localHost } from '../src/local-host';
import { acquireLock } from '../src/lock';
import { httpGet } from '../src/http-probe';
import { expandCommand, plainDriver } from '../src/plain-driver';
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
    const run = await driver.run('blue');
    const pid = run?.pid;
    expect(pid).toBeGreaterThan(0);
    expect(run?.uptimeSeconds).toBeLessThanOrEqual(1);
    expect(run?.restarts).toBe(0);
    expect(await driver.isActive('blue')).toBe(true);
    await listening(layout);

    const answer = await (await fetch(`http://127.0.0.1:${port}/`)).json();
    // The colour's own file wins over the shared one; the deployer's HOME is not passed on.
    expect(answer).toEqual({ color: 'blue', secret: 'from shared env', home: null, cwd: await realpath(release) });

    await driver.start('blue');
    expect((await driver.run('blue'))?.pid).toBe(pid);

    await driver.stop('blue', { timeoutMs: 5_000 });
    expect(await driver.isActive('blue')).toBe(false);
    expect((await driver.run('blue'))?.pid).toBeUndefined();
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
    expect((await driver.run('blue'))?.pid).toBeUndefined();
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

describe('plain process driver, an app on a unix socket that knows nothing of Switchyard', () => {
  // As people write it: listen on the path it is given, no SIGTERM handler, no chmod.
  const SOCKET_APP = `require('node:http').createServer((q, s) => s.end('ok')).listen(process.argv[1], () => console.log('listening'));`;

  async function socketSetup() {
    const { layout } = await setup();
    const socket = layout.socket('blue');
    // The socket path reaches the app through its command line, expanded from the colour's env file.
    await writeFile(layout.colorEnvFile('blue'), `COLOR=blue\nSOCKET_PATH=${socket}\n`);
    const driver = plainDriver({
      host,
      layout,
      command: ['node', '-e', SOCKET_APP, '${SOCKET_PATH}'],
      envFiles: (color: Color) => [layout.envFile, layout.colorEnvFile(color)],
      socketPath: layout.socket,
    });
    onCleanup(() => driver.stop('blue', { timeoutMs: 1_000 }));
    return { layout, driver, socket };
  }

  it('starts it again after it was killed and left its socket file behind, and creates the socket with umask 0007', { timeout: 20_000 }, async () => {
    const { layout, driver, socket } = await socketSetup();
    await driver.start('blue');
    await listening(layout);
    // SIGTERM with no handler: the process dies and its socket file stays.
    await driver.stop('blue', { timeoutMs: 1_000 });
    expect((await lstat(socket)).isSocket()).toBe(true);

    await writeFile(layout.colorLog('blue'), '');
    await driver.start('blue');
    await listening(layout);
    expect(await httpGet({ socketPath: socket }, '/', { timeoutMs: 2_000 })).toMatchObject({ reached: true, status: 200, body: 'ok' });
    expect((await lstat(socket)).mode & 0o777).toBe(0o770);
  });
});

describe('expandCommand', () => {
  it('replaces ${NAME} within its argument, as systemd does, and never splits it', () => {
    expect(expandCommand(['gunicorn', '--bind', 'unix:${SOCKET_PATH}', '${COLOR}-${RELEASE_ID}'], { SOCKET_PATH: '/a b/x.sock', COLOR: 'blue', RELEASE_ID: 'r1' })).toEqual([
      'gunicorn',
      '--bind',
      'unix:/a b/x.sock',
      'blue-r1',
    ]);
    expect(expandCommand(['app', '${PORT}'], {})).toEqual(['app', '']);
  });
});
