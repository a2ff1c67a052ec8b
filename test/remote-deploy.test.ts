import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, statSync } from 'node:fs';
import { startTestSshd } from '@switchyard/testbed';
import { describe, expect, it } from 'vitest';
import { deployProject } from './support/deploy-project';

/*
 * Production is another machine: the same commands, over SSH to an sshd on 127.0.0.1 with its own
 * host key, as a plain `deploy` user with no sudo — private nginx, the user's own processes.
 */

describe('a server reached over SSH', () => {
  it('deploys, switches, rolls back and reports, through an SSH alias, with one handshake per command', async ({ onTestFinished }) => {
    const sshd = await startTestSshd();
    onTestFinished(() => sshd.stop());
    const project = await deployProject(19150);
    onTestFinished(() => project.cleanup());
    // What server:init leaves: a deploy root the deploy user owns.
    mkdirSync(project.serverRoot);
    const uid = Number(execFileSync('id', ['-u', sshd.user]).toString());
    chownSync(project.serverRoot, uid, uid);
    project.configure({ server: { type: 'ssh', host: sshd.alias, ssh: { configFile: sshd.clientConfig }, privilege: 'none' } });

    const handshakes = async (run: () => Promise<{ code: number | null; stdout: string; stderr: string }>) => {
      const before = sshd.handshakes();
      const result = await run();
      expect(result.code, result.stdout + result.stderr).toBe(0);
      return { ...result, handshakes: sshd.handshakes() - before };
    };

    const first = await handshakes(async () => project.deploy(await project.release('1.0.0')));
    expect(first.handshakes).toBe(1);
    // Every line names the server it speaks of.
    expect(first.stdout.trim().split('\n').every((line) => line.startsWith('[TEST_SERVER] '))).toBe(true);
    expect(await project.liveColor()).toBe('blue');
    expect(statSync(`${project.appRoot}/state.json`).uid).toBe(uid);

    const second = await handshakes(async () => project.deploy(await project.release('2.0.0')));
    expect(second.handshakes).toBe(1);
    expect(await project.liveColor()).toBe('green');
    const answer = await project.get('/api/products');
    expect(answer.headers['x-app-version']).toBe('2.0.0');

    const status = await handshakes(() => project.run('status.ts'));
    expect(status.stdout).toMatch(/^catalog \(local\) on TEST_SERVER — /);
    expect(status.stdout).toMatch(/green .* healthy.*← live/);

    const rollback = await handshakes(() => project.run('rollback.ts'));
    expect(rollback.handshakes).toBe(1);
    expect(await project.liveColor()).toBe('blue');
  });
});
