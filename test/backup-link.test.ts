import { readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployProject, get, requestLoop } from './support/deploy-project';

/*
 * run/idle.sock is every request's backup (and the staging route): a request that fails on the
 * live colour is retried there. It must never lead to a colour that has not passed its gate.
 */

describe('the backup link', () => {
  it('names a gated colour only: the live one while a new release starts, fails its gate and is stopped', async ({ onTestFinished }) => {
    const project = await deployProject(19137);
    onTestFinished(() => project.cleanup());
    const idleLink = () => readlinkSync(join(project.appRoot, 'run/idle.sock'));
    expect((await project.deploy(await project.release('1.0.0'))).code).toBe(0);
    expect(idleLink()).toBe('blue.sock');

    // Gated and kept running by --no-switch: now the staging route and the backup.
    const staged = await project.deploy(await project.release('2.0.0'), ['--no-switch']);
    expect(staged.code, staged.stdout + staged.stderr).toBe(0);
    expect(idleLink()).toBe('green.sock');

    // A broken release replaces it: from before it starts until it is refused, the backup is blue.
    const deploy = project.spawnDeploy(await project.release('3.0.0', { broken: true }));
    await deploy.waitFor(/▸ Health gate green/);
    expect(idleLink()).toBe('blue.sock');
    const staging = await get(project.port, '/api/products', { headers: { 'X-Switchyard-Staging': '1' } });
    expect([staging.status, staging.headers['x-app-color']]).toEqual([200, 'blue']);
    const { code, output } = await deploy.exited;
    expect(code, output).toBe(1);
    expect(output).toContain('green failed its health gate');
    expect(idleLink()).toBe('blue.sock');
    expect(await project.liveColor()).toBe('blue');
  });

  it('a lost live.sock: status names the colour nginx serves through the backup; the next deploy repairs the link and never restarts that colour', async ({ onTestFinished }) => {
    const project = await deployProject(19165, { keepOldWarm: true });
    onTestFinished(() => project.cleanup());
    const link = (name: string) => readlinkSync(join(project.appRoot, 'run', name));
    expect((await project.deploy(await project.release('1.0.0'))).code).toBe(0);
    expect((await project.deploy(await project.release('2.0.0'))).code).toBe(0);
    // green live, blue kept warm as the backup. Someone deletes the live link: nginx serves blue.
    expect([link('live.sock'), link('idle.sock')]).toEqual(['green.sock', 'blue.sock']);
    rmSync(join(project.appRoot, 'run/live.sock'));
    const served = await project.get('/');
    expect([served.status, served.headers['x-app-color']]).toEqual([200, 'blue']);

    const status = await project.run('status.ts', ['--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ live: 'blue', liveLink: null, backup: 'blue' });
    expect((await project.run('status.ts')).stdout).toContain('! run/live.sock is missing: nginx serves blue through the backup link');

    const blue = project.colorPid('blue');
    const loop = requestLoop(project.port);
    const deploy = await project.deploy(await project.release('3.0.0'));
    const traffic = await loop.stop();
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(deploy.stdout).toContain('▸ Repair run/live.sock (it was missing; nginx serves blue through the backup)');
    expect(deploy.stdout).toContain('▸ Start green');
    // blue served throughout and still runs, the same process; 3.0.0 is live on green.
    expect(project.colorPid('blue')).toBe(blue);
    expect(traffic.failures).toEqual([]);
    expect([link('live.sock'), link('idle.sock')]).toEqual(['green.sock', 'blue.sock']);
    const page = await project.get('/');
    expect([page.headers['x-app-color'], page.headers['x-app-version']]).toEqual(['green', '3.0.0']);
  });
});
