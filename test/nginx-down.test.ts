import { describe, expect, it } from 'vitest';
import { deployProject } from './support/deploy-project';

/*
 * nginx stopped under a running app (issue 9): status must not call that healthy, and a switch or a
 * rollback must bring nginx back rather than fail to confirm.
 */

describe('nginx down', () => {
  it('status says so; switch and rollback start it first and complete', async ({ onTestFinished }) => {
    const project = await deployProject(19161, { keepOldWarm: true });
    onTestFinished(() => project.cleanup());
    for (const version of ['1.0.0', '2.0.0']) {
      const deployed = await project.deploy(await project.release(version));
      expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    }
    const stopNginx = async () => {
      const master = project.nginxMasterPid();
      expect(master).toBeDefined();
      process.kill(master!, 'SIGQUIT');
      for (let i = 0; i < 100 && project.nginxMasterPid(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(project.nginxMasterPid()).toBeUndefined();
    };

    await stopNginx();
    const status = await project.run('status.ts');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^nginx: DOWN — nothing is served/m);

    const switched = await project.run('switch.ts');
    expect(switched.code, switched.stdout + switched.stderr).toBe(0);
    expect(switched.stdout).toMatch(/▸ Start nginx \(it was not running\)/);
    expect(await project.liveColor()).toBe('blue');

    await stopNginx();
    const rolledBack = await project.run('rollback.ts');
    expect(rolledBack.code, rolledBack.stdout + rolledBack.stderr).toBe(0);
    expect(await project.liveColor()).toBe('green');
    expect((await project.run('status.ts')).stdout).not.toMatch(/nginx: DOWN/);
  });
});
