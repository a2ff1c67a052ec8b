import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployProject, type DeployProject, requestLoop } from './support/deploy-project';

/*
 * A release that does not fit on the server's disk, on a real filesystem of a given size (tmpfs):
 * the deploy says so in one line and leaves nothing behind, and the live colour never notices.
 */

const canMount = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', dir]).status === 0 && spawnSync('umount', [dir]).status === 0;
  rmSync(dir, { recursive: true, force: true });
  return ok;
})();

const MB = 1024 * 1024;

/** catalog-app 1.0.0 live on blue, its deploy root on a tmpfs of `sizeMb`. */
async function onSmallDisk(onTestFinished: (fn: () => Promise<void>) => void, port: number, sizeMb: number, configPatch: Record<string, unknown> = {}): Promise<DeployProject> {
  const project = await deployProject(port, configPatch);
  onTestFinished(() => project.cleanup());
  mkdirSync(project.serverRoot);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=755`, 'tmpfs', project.serverRoot], { encoding: 'utf8' });
  expect(mounted.status, mounted.stderr).toBe(0);
  const first = await project.deploy(await project.release('1.0.0'));
  expect(first.code, first.stdout + first.stderr).toBe(0);
  return project;
}

const releaseIds = (project: DeployProject) => readdirSync(join(project.appRoot, 'releases'));
const freeMb = (path: string) => {
  const fs = statfsSync(path);
  return (fs.bavail * fs.bsize) / MB;
};

describe.skipIf(!canMount)('a release that does not fit (tmpfs: needs root with CAP_SYS_ADMIN)', { timeout: 60_000 }, () => {
  it('too big to ship: refused before a byte is sent, in one line; the live colour keeps serving', async ({ onTestFinished }) => {
    const project = await onSmallDisk(onTestFinished, 19175, 150);
    const big = await project.release('2.0.0');
    writeFileSync(join(big, 'model.bin'), Buffer.alloc(120 * MB, 1));
    const before = releaseIds(project);
    const blue = project.colorPid('blue');
    const loop = requestLoop(project.port);
    const result = await project.deploy(big);
    const traffic = await loop.stop();

    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^not enough space on .*\/srv\/catalog\/releases for release \S+: it takes about 120 MB, 64 MB must stay free for the running app, and \d+ MB are free\. Nothing was shipped; traffic is unchanged$/,
    );
    expect(releaseIds(project)).toEqual(before);
    expect(project.colorPid('blue')).toBe(blue);
    expect(traffic.failures).toEqual([]);
    expect(await project.liveColor()).toBe('blue');
  });

  it('filled while being made (its build writes more than the disk holds): removed at once, "no space left on …" in one line', async ({ onTestFinished }) => {
    const project = await onSmallDisk(onTestFinished, 19176, 120);
    project.configure({ build: { build: ['sh', 'build.sh'] } });
    const filling = await project.release('2.0.0');
    writeFileSync(join(filling, 'build.sh'), 'head -c 200000000 /dev/zero > bundle.js\n');
    const before = releaseIds(project);
    const freeBefore = freeMb(project.serverRoot);
    const result = await project.deploy(filling);

    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr.trim()).toMatch(/^no space left on .*\/srv\/catalog\/releases: release \S+ did not fit and was removed; traffic is unchanged$/);
    expect(releaseIds(project)).toEqual(before);
    expect(freeMb(project.serverRoot)).toBeGreaterThan(freeBefore - 2);
    expect(existsSync(join(project.appRoot, 'colors/green'))).toBe(false);
    expect(await project.liveColor()).toBe('blue');
    expect((await project.get('/')).status).toBe(200);
  });

  const hasSystemctl = spawnSync('systemctl', ['--version']).status === 0;
  for (const supervisor of ['plain', 'systemd'] as const)
    it.skipIf(supervisor === 'systemd' && !hasSystemctl)(
      `a disk that something else fills under a live app (${supervisor}): the same process keeps serving; its lost log lines are said once there is room`,
      async ({ onTestFinished }) => {
        const project = await onSmallDisk(onTestFinished, supervisor === 'plain' ? 19177 : 19178, 100, { supervisor });
        const blue = project.colorPid('blue');
        const loop = requestLoop(project.port);
        await new Promise((resolve) => setTimeout(resolve, 300));
        // Every block taken, as a runaway log or an upload would.
        const filler = join(project.serverRoot, 'filler');
        spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M'], { encoding: 'utf8' });
        expect(freeMb(project.serverRoot)).toBeLessThan(1);
        const served = loop.total;
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(loop.total - served).toBeGreaterThan(20);
        rmSync(filler);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const traffic = await loop.stop();

        expect(traffic.failures).toEqual([]);
        expect(project.colorPid('blue')).toBe(blue);
        const log = readFileSync(join(project.appRoot, 'log/blue.log'), 'utf8');
        expect(log).toMatch(/\[switchyard\] \d+ line\(s\) of output were lost: the log could not be written \(disk full\?\)\n/);
      },
    );
});
