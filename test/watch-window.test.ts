import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DeployProject, requestLoop } from './support/deploy-project';
import { liveProject, type TestContext as Context } from './support/live-project';

/*
 * A release that passes its health gate and dies seconds later — a crash on the first cron tick,
 * a connection pool that gives up — through the real command line, a real private nginx and real
 * processes: plain ones, and units of the systemd user manager that restart on failure.
 */

const hasSystemctl = spawnSync('systemctl', ['--version']).status === 0;

/** catalog-app 1.0.0 live on blue, and 2.0.0, which exits 2 s after it starts (its gate passes well before). */
async function withCrashingRelease(ctx: Context, port: number, configPatch: Record<string, unknown>): Promise<DeployProject & { crashing: string }> {
  const project = await liveProject(ctx, port, configPatch);
  const crashing = await project.release('2.0.0');
  appendFileSync(join(crashing, 'server.js'), '\nsetTimeout(() => { console.error("giving up"); process.exit(1); }, 2000);\n');
  return Object.assign(project, { crashing });
}

interface StatusJson {
  live: string;
  colors: { color: string; running: boolean; health: string; uptimeSeconds: number | null; restarts: number | null }[];
  lastDeploys: { outcome: string }[];
}

async function goesBack(ctx: Context, port: number, configPatch: Record<string, unknown>): Promise<void> {
  const project = await withCrashingRelease(ctx, port, configPatch);
  const loop = requestLoop(project.port);
  const result = await project.deploy(project.crashing);
  const traffic = await loop.stop();

  expect(result.code, result.stdout + result.stderr).toBe(1);
  expect(result.stderr).toMatch(/green failed \d+\.\d s after the switch, within its watch window \(health\.watchMs\): its process (exited|restarted).*Traffic went back to blue, which had kept running; green was stopped/s);
  expect(result.stdout).toContain("--- last lines of green's log ---");
  expect(result.stdout).toContain('giving up');
  // blue never stopped: the site went on answering from 1.0.0, and a request that green dropped
  // was retried on blue, the backup all through the watch.
  expect(await project.liveColor()).toBe('blue');
  const page = await project.get('/');
  expect([page.status, page.headers['x-app-version']]).toEqual([200, '1.0.0']);
  expect(traffic.failures).toEqual([]);
  expect(traffic.versions.get('2.0.0') ?? 0).toBeGreaterThan(0);
  expect(project.colorPid('green')).toBeUndefined();

  const status = await project.run('status.ts', ['--json']);
  expect(status.code, status.stderr).toBe(0);
  const parsed = JSON.parse(status.stdout) as StatusJson;
  expect(parsed.live).toBe('blue');
  expect(parsed.colors.map((c) => [c.color, c.running])).toEqual([
    ['blue', true],
    ['green', false],
  ]);
  expect(parsed.lastDeploys.at(-1)?.outcome).toBe('failed');
  const state = JSON.parse(readFileSync(join(project.appRoot, 'state.json'), 'utf8')) as { live: string; colors: Record<string, unknown> };
  expect([state.live, state.colors.green]).toEqual(['blue', null]);

  // The next good release deploys as usual.
  const next = await project.deploy(await project.release('3.0.0'));
  expect(next.code, next.stdout + next.stderr).toBe(0);
  expect(next.stdout).toMatch(/green stayed up and healthy for 2\.0 s after the switch/);
  expect(await project.liveColor()).toBe('green');
}

describe('the watch window after a switch', { timeout: 90_000 }, () => {
  it('plain processes: a release that dies 2 s after its start goes back to the old colour, 0 failed requests', (ctx) =>
    goesBack(ctx, 19162, { health: { watchMs: 2000 } }));

  describe.skipIf(!hasSystemctl)('under systemd (the private user manager)', () => {
    it('a unit that systemd restarts after its crash counts as failed: traffic goes back, 0 failed requests', (ctx) =>
      goesBack(ctx, 19163, { supervisor: 'systemd', health: { watchMs: 2000 } }));

    it('with the watch off, status tells a crash-looping live colour by its uptime and restarts', async (ctx) => {
      const project = await withCrashingRelease(ctx, 19164, { supervisor: 'systemd', health: { watchMs: 0 } });
      const result = await project.deploy(project.crashing);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      // 2 s to the crash, 1 s (RestartSec) to the restart: within 6 s it has restarted at least once.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const status = await project.run('status.ts', ['--json']);
      const green = (JSON.parse(status.stdout) as StatusJson).colors.find((c) => c.color === 'green');
      expect(green?.restarts).toBeGreaterThanOrEqual(1);
      expect(green?.uptimeSeconds).toBeLessThan(3);
      const text = await project.run('status.ts');
      expect(text.stdout).toMatch(/green .*, up [0-2]s, restarted [1-9]\d*×  ← live/);
    });
  });
});
