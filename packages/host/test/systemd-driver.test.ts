import { randomBytes } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerLayout } from '@switchyard/templates';
import { describe, expect, it } from 'vitest';
import { ProcessError } from '../src/errors';
import { localHost } from '../src/local-host';
import { processIdentity } from '../src/proc';
import { type SystemdDriver, systemdDriver } from '../src/systemd-driver';
import { ensureUserManager } from '../src/user-manager';
import { freePort, onCleanup, tempDir, tempLayout, waitFor } from './helpers';

const host = localHost();

// Starts the private user manager where systemd is not PID 1; the tests are skipped only when it cannot run.
const manager = await ensureUserManager(host).catch((error: Error) => error);
const skipReason = manager instanceof Error ? ` (skipped: no systemd user manager: ${manager.message})` : '';

const APP = `
const http = require('node:http');
const server = http.createServer((req, res) => { res.setHeader('connection', 'close'); res.end(process.env.COLOR); });
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening as ' + process.env.COLOR));
if (process.env.CRASH_AFTER_MS) setTimeout(() => process.exit(1), Number(process.env.CRASH_AFTER_MS));
process.on('SIGTERM', () => {
  console.log('draining');
  if (process.env.IGNORE_SIGTERM) return;
  server.close();
  setTimeout(() => process.exit(0), 100);
});
`;

// Simple on purpose: ProtectHome= and friends fail with 226/NAMESPACE under a private user manager.
function unitText(layout: ServerLayout, type = 'simple', exec = `${process.execPath} server.js`, extra = ''): string {
  return `[Unit]
Description=switchyard host test %i

[Service]
Type=${type}
WorkingDirectory=${layout.colorsDir}/%i
EnvironmentFile=${layout.sharedDir}/%i.env
ExecStart=${exec}
StandardOutput=append:${layout.logDir}/%i.log
StandardError=append:${layout.logDir}/%i.log
TimeoutStopSec=30
${extra}`;
}

async function setup(extraEnv = ''): Promise<{ driver: SystemdDriver; layout: ServerLayout; port: number; app: string }> {
  const app = `sytest-${randomBytes(3).toString('hex')}`;
  const layout = await tempLayout(app);
  await mkdir(layout.release('r1'), { recursive: true });
  await writeFile(join(layout.release('r1'), 'server.js'), APP);
  await mkdir(layout.colorsDir, { recursive: true });
  await symlink('../releases/r1', layout.colorLink('blue'));
  await mkdir(layout.sharedDir, { recursive: true });
  const port = await freePort();
  await writeFile(join(layout.sharedDir, 'blue.env'), `COLOR=blue\nPORT=${port}\n${extraEnv}`);
  const driver = await systemdDriver({ host, app, layout });
  await driver.installUnits([{ name: `${app}@.service`, content: unitText(layout) }]);
  onCleanup(async () => {
    await driver.stop('blue', { timeoutMs: 2_000 });
    const env = { XDG_RUNTIME_DIR: (manager as { runtimeDir: string }).runtimeDir };
    await host.run(['systemctl', '--user', 'reset-failed', `${app}@blue.service`], { env, nothrow: true, timeoutMs: 10_000 });
    await host.remove(join(driver.unitDir, `${app}@.service`));
    await host.run(['systemctl', '--user', 'daemon-reload'], { env, timeoutMs: 10_000 });
  });
  return { driver, layout, port, app };
}

const logHas = (layout: ServerLayout, text: string) => async () => (await readFile(layout.colorLog('blue'), 'utf8').catch(() => '')).includes(text);

describe.skipIf(manager instanceof Error)(`systemd process driver${skipReason}`, () => {
  it('uses the user scope where systemd is not PID 1, and installs units there', async () => {
    const { driver, app } = await setup();
    const pid1 = (await readFile('/proc/1/comm', 'utf8')).trim();
    expect(driver.scope).toBe(pid1 === 'systemd' && process.getuid?.() === 0 ? 'system' : 'user');
    expect(await host.exists(join(driver.unitDir, `${app}@.service`))).toBe(true);
    await expect(driver.installUnits([{ name: '../evil.service', content: '' }])).rejects.toThrow(ProcessError);
  });

  it("installs units where the running manager reads them, whatever this command's $HOME says", { timeout: 30_000 }, async () => {
    const home = process.env.HOME;
    process.env.HOME = await tempDir();
    onCleanup(() => {
      process.env.HOME = home;
    });
    const { driver } = await setup();
    expect(driver.unitDir.startsWith(process.env.HOME)).toBe(false);
    await driver.start('blue');
    expect(await driver.isActive('blue')).toBe(true);
  });

  it('starts and stops <app>@<color>, with its pid and its own log lines', { timeout: 30_000 }, async () => {
    const { driver, layout, port } = await setup();
    await driver.start('blue');
    expect(await driver.isActive('blue')).toBe(true);
    const pid = (await driver.run('blue'))?.pid;
    expect(pid).toBeGreaterThan(0);
    await waitFor(logHas(layout, 'listening'));
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('blue');
    expect(await driver.lastLogLines('blue', 5)).toEqual(['listening as blue']);

    await driver.stop('blue', { timeoutMs: 10_000 });
    expect(await driver.isActive('blue')).toBe(false);
    expect((await driver.run('blue'))?.pid).toBeUndefined();
    expect(await processIdentity(host, pid ?? 0)).toBeUndefined();
    expect(await driver.lastLogLines('blue', 1)).toEqual(['draining']);
    await driver.stop('blue', { timeoutMs: 1_000 });
  });

  it('kills a colour that ignores SIGTERM once our stop timeout has passed', { timeout: 30_000 }, async () => {
    const { driver, layout } = await setup('IGNORE_SIGTERM=1\n');
    await driver.start('blue');
    await waitFor(logHas(layout, 'listening'));
    const started = Date.now();
    await driver.stop('blue', { timeoutMs: 500 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await driver.isActive('blue')).toBe(false);
  });

  it('stops a crash-looping colour that is waiting to restart (systemd calls it "activating")', { timeout: 30_000 }, async () => {
    const { driver, layout, app } = await setup('CRASH_AFTER_MS=150\n');
    await driver.installUnits([{ name: `${app}@.service`, content: unitText(layout, 'simple', undefined, 'Restart=on-failure\nRestartSec=1\n') }]);
    const env = { XDG_RUNTIME_DIR: (manager as { runtimeDir: string }).runtimeDir };
    const state = async () => (await host.run(['systemctl', '--user', 'show', '-p', 'ActiveState,SubState', '--value', `${app}@blue.service`], { env, timeoutMs: 10_000 })).stdout.trim();
    await driver.start('blue');
    await waitFor(async () => (await state()) === 'activating\nauto-restart', 5_000);
    expect(await driver.isActive('blue')).toBe(false);

    await driver.stop('blue', { timeoutMs: 5_000 });
    // RestartSec=1 has passed twice over: a unit left waiting would have started again by now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await state()).toMatch(/^(inactive|failed)\n/);
    expect((await readFile(layout.colorLog('blue'), 'utf8')).match(/listening as blue/g)).toHaveLength(1);
  });

  it("run(): a restart by systemd shows as a new pid, a new uptime and a restart count", { timeout: 30_000 }, async () => {
    const { driver, layout, app } = await setup('CRASH_AFTER_MS=1500\n');
    await driver.installUnits([{ name: `${app}@.service`, content: unitText(layout, 'simple', undefined, 'Restart=on-failure\nRestartSec=1\n') }]);
    await driver.start('blue');
    const first = await driver.run('blue');
    expect(first).toMatchObject({ restarts: 0 });
    expect(first?.uptimeSeconds).toBeLessThanOrEqual(1);
    await waitFor(async () => ((await driver.run('blue'))?.restarts ?? 0) >= 1, 10_000);
    const second = await driver.run('blue');
    expect(second?.pid).not.toBe(first?.pid);
    expect(second?.uptimeSeconds).toBeLessThanOrEqual(1);
  });

  it('reports a unit that cannot start', { timeout: 30_000 }, async () => {
    const { driver, layout, app } = await setup();
    await driver.installUnits([{ name: `${app}@.service`, content: unitText(layout, 'exec', '/nonexistent/binary') }]);
    const error = await driver.start('blue').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as Error).message).toContain(`${app}@blue.service did not start`);
    expect(await driver.isActive('blue')).toBe(false);
  });
});
