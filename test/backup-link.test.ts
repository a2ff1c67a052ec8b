import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployProject, get } from './support/deploy-project';

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
});
