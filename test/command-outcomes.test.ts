import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeployProject } from './support/deploy-project';
import { liveProject } from './support/live-project';

/*
 * What a command says and exits with when it does not simply finish: stopped by Ctrl-C or SIGTERM,
 * or unable to write its audit line. Real commands, a real private nginx, plain processes.
 */

const auditLines = (project: DeployProject) =>
  readFileSync(join(project.appRoot, 'log/deploys.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { command: string; outcome: string; error?: string });

const RELEASE_ID = /\d{8}T\d{6}Z-[0-9a-f]+/;

/** Whether /proc/locks shows the file's flock held, and a process waiting for it. */
function flocks(file: string): { held: boolean; waiting: boolean } {
  const inode = new RegExp(`FLOCK .* [0-9a-f]+:[0-9a-f]+:${statSync(file).ino} `);
  const lines = readFileSync('/proc/locks', 'utf8').split('\n').filter((line) => inode.test(line));
  return { held: lines.some((line) => !line.includes('->')), waiting: lines.some((line) => line.includes('->')) };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms: ${String(condition)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('interrupted commands', { timeout: 60_000 }, () => {
  it('Ctrl-C (SIGINT to the whole process group) during the health gate: the gate stops, green is stopped, exit 130, where traffic is, an audit line', async (ctx) => {
    const project = await liveProject(ctx, 19166);
    const blueRelease = readFileSync(join(project.appRoot, 'state.json'), 'utf8').match(RELEASE_ID)?.[0];
    // Broken: its gate would go on failing for health.timeoutMs (5 s) before giving up.
    const deploy = project.spawnDeploy(await project.release('2.0.0', { broken: true }));
    await deploy.waitFor(/▸ Health gate green/);
    const sent = performance.now();
    process.kill(-deploy.child.pid!, 'SIGINT');
    const { code, output } = await deploy.exited;

    expect(code, output).toBe(130);
    expect(performance.now() - sent).toBeLessThan(3000);
    expect(output).toContain('SIGINT: stopping at the next safe point');
    expect(output).toMatch(/interrupted by SIGINT during "Health gate green": traffic is on blue \(release \d{8}T\d{6}Z-[0-9a-f]+\)\. Run the same command again to finish\./);
    expect(output).toContain(`traffic is on blue (release ${blueRelease})`);
    expect(output).toMatch(/Interrupted after \d+\.\d\d s/);
    expect(output).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(project.colorPid('green')).toBeUndefined();
    expect(await project.liveColor()).toBe('blue');
    expect(auditLines(project).at(-1)).toMatchObject({ command: 'deploy', outcome: 'interrupted' });

    const again = await project.deploy(await project.release('3.0.0'));
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await project.liveColor()).toBe('green');
  });

  it('SIGTERM during the watch after the switch: traffic goes back to blue, which never stopped; exit 143', async (ctx) => {
    const project = await liveProject(ctx, 19167);
    const deploy = project.spawnDeploy(await project.release('2.0.0'));
    await deploy.waitFor(/▸ Watch green/);
    deploy.child.kill('SIGTERM');
    const { code, output } = await deploy.exited;

    expect(code, output).toBe(143);
    expect(output).toMatch(/interrupted by SIGTERM during "Watch green for 1 s \(blue stays up as its backup\)": traffic is on blue/);
    expect(await project.liveColor()).toBe('blue');
    expect((await project.get('/')).headers['x-app-version']).toBe('1.0.0');
    expect(project.colorPid('green')).toBeUndefined();
    expect(auditLines(project).at(-1)).toMatchObject({ outcome: 'interrupted' });
  });
});

describe('interrupted while waiting for the lock', { timeout: 60_000 }, () => {
  it('nothing has changed yet: Ctrl-C ends the wait at once', async (ctx) => {
    const project = await liveProject(ctx, 19184);
    const lockFile = join(project.appRoot, 'deploy.lock');
    const holder = spawn('flock', [lockFile, 'sleep', '30'], { stdio: 'ignore' });
    ctx.onTestFinished(() => void holder.kill('SIGKILL'));
    await until(() => flocks(lockFile).held);
    const deploy = project.spawnDeploy(await project.release('2.0.0'), ['--wait', '30']);
    // Blocked in flock(2), as the kernel shows it.
    await until(() => flocks(lockFile).waiting);
    const sent = performance.now();
    process.kill(-deploy.child.pid!, 'SIGINT');
    const { signal } = await deploy.exited;
    expect(performance.now() - sent).toBeLessThan(2000);
    expect(signal).toBe('SIGINT');
    expect(await project.liveColor()).toBe('blue');
  });
});

describe('an audit line that cannot be written', { timeout: 60_000 }, () => {
  it('after a switch that happened: exit 0 and a warning, not "failed"', async (ctx) => {
    const project = await liveProject(ctx, 19168);
    // Something that is not a file where the log goes: every append fails (EISDIR).
    const log = join(project.appRoot, 'log/deploys.jsonl');
    rmSync(log);
    mkdirSync(log);
    const result = await project.deploy(await project.release('2.0.0'));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/! the audit line could not be appended to .*deploys\.jsonl: /);
    expect(result.stdout).toMatch(/Finished in/);
    expect(await project.liveColor()).toBe('green');
  });
});
