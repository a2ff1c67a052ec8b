import { readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appProcesses, deployProject, type DeployProject, requestLoop } from './support/deploy-project';

/*
 * A deploy killed with SIGKILL at each of its steps in turn (the moment the step's "▸" line
 * appears): the live colour keeps serving throughout, the next deploy completes, and state.json,
 * the symlinks, the processes and `pnpm status --json` agree afterwards. Two chains run side by side
 * (odd and even steps), each in its own deploy root with its own nginx port (19120, 19121).
 */

const STEP = /^ {2}▸ (.*)$/gm;
const stepsIn = (output: string) => [...output.matchAll(STEP)].map((m) => m[1] ?? '');

interface StatusJson {
  live: 'blue' | 'green' | null;
  colors: { color: string; live: boolean; releaseId: string | null; running: boolean; health: string }[];
}

interface StateJson {
  live: string | null;
  colors: Record<string, { releaseId: string } | null>;
  releases: { id: string }[];
}

/** After a completed deploy of `version`: everything that says where traffic goes says the same. */
async function expectConsistent(project: DeployProject, version: string, context: string): Promise<void> {
  const status = await project.run('status.ts', ['--json']);
  expect(status.code, `${context}\n${status.stderr}`).toBe(0);
  const s = JSON.parse(status.stdout) as StatusJson;
  const live = s.live;
  expect(live, context).not.toBeNull();
  const idle = live === 'blue' ? 'green' : 'blue';
  const state = JSON.parse(readFileSync(join(project.appRoot, 'state.json'), 'utf8')) as StateJson;
  const liveRelease = basename(readlinkSync(join(project.appRoot, 'colors', live!)));

  // nginx, the symlinks, state.json and status agree on the live colour and its release.
  expect(await project.liveColor(), context).toBe(live);
  const page = await project.get('/');
  expect([page.status, page.headers['x-app-color'], page.headers['x-app-version']], context).toEqual([200, live, version]);
  expect(readlinkSync(join(project.appRoot, 'run/live.sock')), context).toBe(`${live}.sock`);
  // The other colour is stopped, so the backup (idle.sock) is the live colour, never a dead one.
  expect(readlinkSync(join(project.appRoot, 'run/idle.sock')), context).toBe(`${live}.sock`);
  expect(state.live, context).toBe(live);
  expect(state.colors[live!]?.releaseId, context).toBe(liveRelease);
  expect(state.colors[idle], context).toBeNull();
  expect(state.releases.map((r) => r.id), context).toContain(liveRelease);
  expect(
    s.colors.map((c) => [c.color, c.live, c.running, c.health]),
    context,
  ).toEqual(
    (['blue', 'green'] as const).map((c) => (c === live ? [c, true, true, 'healthy'] : [c, false, false, 'stopped'])),
  );
  expect(s.colors.find((c) => c.live)?.releaseId, context).toBe(liveRelease);
  // No app process left behind by a killed deploy: only the live colour runs.
  expect(appProcesses(project.dir), context).toEqual([project.colorPid(live!)]);
}

/** nginx's complaints (upstream errors), to explain a failed request. */
function nginxErrorLog(project: DeployProject): string {
  try {
    return readFileSync(join(project.appRoot, 'log/nginx-error.log'), 'utf8')
      .split('\n')
      .filter((line) => /\[(error|crit|alert|emerg)\]/.test(line))
      .slice(-30)
      .join('\n');
  } catch {
    return '(none)';
  }
}

async function killChain(port: number, parity: 0 | 1, onTestFinished: (fn: () => Promise<void>) => void) {
  const project = await deployProject(port);
  onTestFinished(() => project.cleanup());
  const first = await project.deploy(await project.release('1.0.0'));
  expect(first.code, first.stdout + first.stderr).toBe(0);

  const loop = requestLoop(project.port);
  const killedAt: string[] = [];
  let planLength = 0;
  try {
    for (let n = 1 + parity; ; n += 2) {
      // A new version for every deploy: a release id is the time to the second + the code's hash.
      const victim = project.spawnDeploy(await project.release(`2.${n}.0`));
      await victim.waitFor((out) => stepsIn(out).length >= n || /^(Finished|Failed) after|^Finished in/m.test(out));
      const steps = stepsIn(victim.output);
      if (steps.length < n || /^Finished in/m.test(victim.output)) {
        // The plan has fewer than n steps: this deploy ran to the end.
        const done = await victim.exited;
        expect(done.code, done.output).toBe(0);
        planLength = steps.length;
        await expectConsistent(project, `2.${n}.0`, `deploy after the kill at step ${n - 2}`);
        break;
      }
      victim.child.kill('SIGKILL');
      const killed = await victim.exited;
      expect(killed.signal).toBe('SIGKILL');
      killedAt.push(`${n}. ${steps[n - 1]}`);

      const next = await project.deploy(await project.release(`2.${n}.1`));
      const context = `deploy after SIGKILL at step ${n} (${steps[n - 1]}):\n${killed.output}\n---\n${next.stdout}${next.stderr}`;
      expect(next.code, context).toBe(0);
      await expectConsistent(project, `2.${n}.1`, context);
    }
  } finally {
    const traffic = await loop.stop();
    expect(traffic.failures.map((f) => f.slice(0, 80)), `killed at: ${killedAt.join(', ')}\nnginx error log:\n${nginxErrorLog(project)}`).toEqual([]);
    expect(traffic.total).toBeGreaterThan(50);
  }
  return { killedAt, planLength };
}

describe.concurrent('deploy killed with SIGKILL at each step', { timeout: 240_000 }, () => {
  it('odd steps: live keeps serving, the next deploy completes, state consistent', async ({ onTestFinished }) => {
    const { killedAt, planLength } = await killChain(19120, 0, onTestFinished);
    console.log(`killed at: ${killedAt.join(' | ')}; plan of the last deploy: ${planLength} steps`);
    // A second deploy with pruning: check root, ship, install, link, files, start, gate, switch,
    // record, confirm, drain, record, prune, record.
    expect(planLength).toBeGreaterThanOrEqual(12);
    expect(killedAt.length).toBeGreaterThanOrEqual(6);
  });

  it('even steps: live keeps serving, the next deploy completes, state consistent', async ({ onTestFinished }) => {
    const { killedAt, planLength } = await killChain(19121, 1, onTestFinished);
    console.log(`killed at: ${killedAt.join(' | ')}; plan of the last deploy: ${planLength} steps`);
    expect(planLength).toBeGreaterThanOrEqual(12);
    expect(killedAt.length).toBeGreaterThanOrEqual(6);
  });

  it('half-way through the long steps (mid-copy, mid-start, mid-gate, mid-watch, after the old colour got SIGTERM)', async ({ onTestFinished }) => {
    const project = await deployProject(19122);
    onTestFinished(() => project.cleanup());
    const first = await project.deploy(await project.release('1.0.0'));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const loop = requestLoop(project.port);
    const timeline: string[] = [];
    const cases: [RegExp, number, { holdOld: boolean }?][] = [
      [/▸ Ship release/, 30],
      [/▸ Start (blue|green)/, 60],
      [/▸ Health gate/, 80],
      // Traffic on the new colour, the old one up as its backup.
      [/▸ Watch/, 300],
      // A client holds a connection to the old colour: the drain waits for it until nginx.drainMs
      // (1.5 s), then sends SIGTERM, and the app keeps it for its drain grace (1.5 s): 2 s in, the
      // old colour is draining.
      [/▸ Drain and stop/, 2000, { holdOld: true }],
    ];
    try {
      let n = 0;
      for (const [pattern, delayMs, options] of cases) {
        n++;
        const held = options?.holdOld ? connect(join(project.appRoot, 'run', `${await project.liveColor()}.sock`)) : undefined;
        held?.on('error', () => {});
        const victim = project.spawnDeploy(await project.release(`3.${n}.0`));
        await victim.waitFor(pattern);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        held?.destroy();
        expect(victim.child.exitCode, victim.output).toBeNull();
        victim.child.kill('SIGKILL');
        const killed = await victim.exited;
        // Killed once the old colour had its SIGTERM, as meant.
        if (options?.holdOld) expect(killed.output).toMatch(/still had 1 connection\(s\) after 1\.\d+ s \(nginx\.drainMs\); stopping it anyway/);
        timeline.push(`${new Date().toISOString()} killed ${delayMs} ms into ${String(pattern)}; next deploy starts`);
        const next = await project.deploy(await project.release(`3.${n}.1`));
        const context = `deploy after SIGKILL ${delayMs} ms into ${String(pattern)}:\n${killed.output}\n---\n${next.stdout}${next.stderr}`;
        expect(next.code, context).toBe(0);
        timeline.push(`${new Date().toISOString()} next deploy done`);
        await expectConsistent(project, `3.${n}.1`, context);
      }
    } finally {
      const traffic = await loop.stop();
      expect(traffic.failures.map((f) => f.slice(0, 80)), `${timeline.join('\n')}\nnginx error log:\n${nginxErrorLog(project)}`).toEqual([]);
    }
  });
});
