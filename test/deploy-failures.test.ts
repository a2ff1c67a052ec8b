import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpGet, waitFor } from '@switchyard/host';
import { describe, expect, it } from 'vitest';
import { appProcesses, deployProject, type DeployProject, requestLoop } from './support/deploy-project';
import { liveProject, type TestContext as Context } from './support/live-project';
import { snapshot } from './support/snapshot';

/*
 * Failure tests for deploy, through the real command line, against a real private nginx and real
 * processes (supervisor "plain"). Each case has its own deploy root and its own nginx port
 * (19100–19112, or the next free port), and stops everything it started when it ends, passed or not.
 */

const readState = (project: DeployProject) =>
  JSON.parse(readFileSync(join(project.appRoot, 'state.json'), 'utf8')) as {
    live: string | null;
    colors: Record<string, { releaseId: string } | null>;
  };

const fileMode = (path: string) => (statSync(path).mode & 0o777).toString(8);

const canMount = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', dir]).status === 0 && spawnSync('umount', [dir]).status === 0;
  rmSync(dir, { recursive: true, force: true });
  return ok;
})();

const hasSystemctl = spawnSync('systemctl', ['--version']).status === 0;

const mount = (args: string[]) => {
  const result = spawnSync('mount', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mount ${args.join(' ')}: ${result.stderr}`);
};

async function gateRefusal(ctx: Context, port: number, configPatch: Record<string, unknown> = {}): Promise<void> {
  const project = await liveProject(ctx, port, configPatch);
  const broken = await project.release('3.0.0', { broken: true });
  const stateBefore = readFileSync(join(project.appRoot, 'state.json'), 'utf8');
  const loop = requestLoop(project.port);

  const result = await project.deploy(broken);
  const traffic = await loop.stop();

  expect(result.code, result.stdout + result.stderr).toBe(1);
  expect(result.stderr).toMatch(/green failed its health gate: .*\/health answered 500.*green was stopped; traffic is unchanged/s);
  // The instance's own last log lines, as the app wrote them.
  expect(result.stdout).toContain("--- last lines of green's log ---");
  // What the instance printed since it was started: its start-up line among the first lines (the
  // gate's own probes would push it out of a plain tail; one may land before it), then the 500s.
  expect(result.stdout).toMatch(/--- last lines of green's log ---\n(?: {4}.*\n){0,3} {4}.*"msg":"listening".*"version":"3\.0\.0"/);
  expect(result.stdout).toMatch(/--- last lines of green's log ---\n(?: {4}.*\n)*? {4}.*"path":"\/health","status":500/);
  expect(project.colorPid('green')).toBeUndefined();
  expect(project.colorPid('blue')).toBeDefined();
  // Traffic: still blue, still 1.0.0, and nothing failed while the deploy ran.
  expect(await project.liveColor()).toBe('blue');
  const page = await project.get('/');
  expect([page.status, page.headers['x-app-version'], page.headers['x-app-color']]).toEqual([200, '1.0.0', 'blue']);
  expect(traffic.failures).toEqual([]);
  expect(traffic.total).toBeGreaterThan(10);
  expect([...traffic.versions.keys()]).toEqual(['1.0.0']);
  expect(readFileSync(join(project.appRoot, 'state.json'), 'utf8')).toBe(stateBefore);

  const status = await project.run('status.ts', ['--json']);
  expect(status.code, status.stderr).toBe(0);
  const parsed = JSON.parse(status.stdout) as { live: string; colors: { color: string; running: boolean; health: string }[]; lastDeploys: { outcome: string }[] };
  expect(parsed.live).toBe('blue');
  expect(parsed.colors.map((c) => [c.color, c.running, c.health])).toEqual([
    ['blue', true, 'healthy'],
    ['green', false, 'stopped'],
  ]);
  expect(parsed.lastDeploys.at(-1)?.outcome).toBe('failed');
}

async function liveKilledUnderLoad(ctx: Context, port: number, configPatch: Record<string, unknown> = {}): Promise<void> {
  const project = await liveProject(ctx, port, configPatch);
  const v2 = await project.release('2.0.0');
  const idle = await project.deploy(v2, ['--no-switch']);
  expect(idle.code, idle.stdout + idle.stderr).toBe(0);
  const blue = project.colorPid('blue');
  expect(blue).toBeDefined();
  expect(project.colorPid('green')).toBeDefined();
  expect(await project.liveColor()).toBe('blue');

  const wrk = spawn('wrk', ['-t2', '-c16', '-d4s', '--timeout', '3s', '-H', 'Host: localhost', `http://127.0.0.1:${project.port}/api/products`]);
  let wrkOut = '';
  wrk.stdout.on('data', (chunk: Buffer) => (wrkOut += chunk.toString()));
  wrk.stderr.on('data', (chunk: Buffer) => (wrkOut += chunk.toString()));
  const wrkDone = new Promise<number | null>((resolve) => wrk.on('close', resolve));
  ctx.onTestFinished(() => void (wrk.exitCode === null && wrk.kill('SIGKILL')));
  const loop = requestLoop(project.port, '/api/products', 2);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  process.kill(blue!, 'SIGKILL');
  // The GET goes as soon as blue's socket refuses connections: well inside systemd's
  // Restart=on-failure delay (RestartSec=1), so blue cannot be back yet to answer it itself.
  const blueSocket = { socketPath: join(project.appRoot, 'run', 'blue.sock') };
  const refused = async () => !(await httpGet(blueSocket, '/', { timeoutMs: 500 })).reached;
  expect(await waitFor(refused, { timeoutMs: 5_000, intervalMs: 10 }), 'blue still answers after SIGKILL').toBe(true);
  const afterKill = await project.get('/');
  expect(await wrkDone).toBe(0);
  const traffic = await loop.stop();

  expect(project.colorPid('blue')).not.toBe(blue);
  expect([afterKill.status, afterKill.headers['x-app-color'], afterKill.headers['x-app-version']]).toEqual([200, 'green', '2.0.0']);
  const requests = Number(/(\d+) requests in/.exec(wrkOut)?.[1] ?? 0);
  expect(requests, wrkOut).toBeGreaterThan(1000);
  expect(wrkOut).not.toMatch(/Non-2xx or 3xx responses/);
  expect(wrkOut).not.toMatch(/Socket errors/);
  expect(traffic.failures).toEqual([]);
  expect(traffic.versions.get('2.0.0') ?? 0).toBeGreaterThan(0);
}

describe('deploy failures', { timeout: 60_000 }, () => {
  it('a release that fails its health gate: exit 1, its log shown, idle colour stopped, traffic untouched', (ctx) =>
    gateRefusal(ctx, 19100));

  describe('a rendered config that nginx -t rejects (TLS certificate that does not exist)', () => {
    async function rejectedDeploy(ctx: Context, port: number) {
      const project = await liveProject(ctx, port);
      const nginxDir = join(project.appRoot, 'nginx');
      const master = project.nginxMasterPid();
      const workers = project.nginxWorkerPids();
      expect(master).toBeDefined();
      expect(workers.length).toBeGreaterThan(0);
      const before = snapshot(project.appRoot);
      const siteBefore = readFileSync(join(nginxDir, 'site.conf'), 'utf8');
      const envFile = join(project.appRoot, 'shared', 'env');
      const envBefore = readFileSync(envFile, 'utf8');
      const envModeBefore = fileMode(envFile);

      // Passes the schema (absolute paths), fails nginx -t: the files are not there. A new plain
      // variable changes shared/env (0600) in the same write.
      const missing = join(project.dir, 'no-such-cert.pem');
      project.configure({ nginx: { tls: { certificate: missing, certificateKey: join(project.dir, 'no-such-key.pem'), port: project.port + 50 } }, env: { EXTRA_SETTING: 'on' } });
      const v2 = await project.release('2.0.0');
      const loop = requestLoop(project.port);
      const result = await project.deploy(v2);
      const traffic = await loop.stop();
      return { project, result, traffic, master, workers, before, siteBefore, envFile, envBefore, envModeBefore, missing, nginxDir };
    }

    it('exit 1 with nginx own message, no reload, live keeps serving, nginx files restored', async (ctx) => {
      const r = await rejectedDeploy(ctx, 19101);
      expect(r.result.code, r.result.stdout + r.result.stderr).toBe(1);
      expect(r.result.stderr).toContain('nginx rejected the rendered configuration; nothing was reloaded and traffic is unchanged');
      expect(r.result.stderr).toContain(r.missing);
      // No reload: the same master and the very same workers.
      expect(r.project.nginxMasterPid()).toBe(r.master);
      expect(r.project.nginxWorkerPids()).toEqual(r.workers);
      expect(readFileSync(join(r.nginxDir, 'site.conf'), 'utf8')).toBe(r.siteBefore);
      expect(readFileSync(r.envFile, 'utf8')).toBe(r.envBefore);
      expect(readFileSync(join(r.nginxDir, 'site.conf'), 'utf8')).not.toContain('ssl_certificate');
      // Still valid as a whole: nginx -t passes on what is on disk now.
      const check = spawnSync('nginx', ['-t', '-q', '-p', `${r.nginxDir}/`, '-c', join(r.nginxDir, 'nginx.conf'), '-e', '/dev/null']);
      expect(check.status, String(check.stderr)).toBe(0);
      expect(await r.project.liveColor()).toBe('blue');
      expect((await r.project.get('/')).headers['x-app-version']).toBe('1.0.0');
      expect(r.traffic.failures).toEqual([]);
      expect(r.project.colorPid('green')).toBeUndefined();
      // What a failed deploy may leave: its release directory, green's link and green.env (for a colour not running).
      const after = snapshot(r.project.appRoot);
      const changed = (list: string[], other: string[]) => list.filter((line) => !other.includes(line)).map((line) => line.split(' ')[0]);
      // shared/env: its content is compared above; its mode is the bug in the next test.
      const allowed = /^(releases\/[^/]+\/|colors\/green|run\/green\.env|log\/deploys\.jsonl|deploy\.lock|shared\/env)$/;
      expect(changed(after, r.before).filter((path) => !allowed.test(path ?? ''))).toEqual([]);
      expect(changed(r.before, after).filter((path) => !allowed.test(path ?? ''))).toEqual([]);
    });

    // Files put back after nginx -t rejects the new ones keep their mode: shared/env holds the
    // app's secrets and must never become readable by every user on the server.
    it('restoring after the rejection keeps the secrets file 0600', async (ctx) => {
      const r = await rejectedDeploy(ctx, 19102);
      expect(r.result.code).toBe(1);
      expect(r.envModeBefore).toBe('600');
      expect(fileMode(r.envFile)).toBe('600');
    });
  });

  it('two deploys at once: one proceeds, the other exits 3 naming the holder', async (ctx) => {
    const project = await liveProject(ctx, 19103);
    const [v2, v3] = [await project.release('2.0.0'), await project.release('3.0.0')];
    // Started together; each holds the lock for seconds (start, gate, switch, drain).
    const a = project.spawnDeploy(v2);
    const b = project.spawnDeploy(v3);
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    const byCode = new Map([
      [ea.code, { run: a, out: ea.output }],
      [eb.code, { run: b, out: eb.output }],
    ]);
    expect([ea.code, eb.code].sort(), ea.output + eb.output).toEqual([0, 3]);
    const winner = byCode.get(0)!;
    const loser = byCode.get(3)!;
    expect(loser.out).toMatch(
      new RegExp(
        `deploy\\.lock is held by pid ${winner.run.child.pid} \\(user root, command "deploy --env local --config-dir [^"]+ --source [^"]+", deploy [0-9a-f]+\\) since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, \\d+ s ago`,
      ),
    );
    expect(loser.out).not.toContain('▸');
    expect(winner.out).toContain('Finished in');
    expect(await project.liveColor()).toBe('green');

    // --wait: the second one waits for the lock and then does its job.
    const c = project.spawnDeploy(v3);
    await c.waitFor(/▸ Check the deploy root/);
    const d = await project.deploy(v2, ['--wait', '30']);
    expect((await c.exited).code).toBe(0);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    const audit = readFileSync(join(project.appRoot, 'log/deploys.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { outcome: string }).outcome);
    expect(audit.filter((o) => o === 'locked')).toHaveLength(1);
  });

  it('the live process killed under GET load: nginx retries on the backup colour, 0 failed GETs', (ctx) =>
    liveKilledUnderLoad(ctx, 19104));

  describe('an unusable deploy root: a clear error before anything changes', () => {
    it('a root below a regular file (ENOTDIR): exit 1, nothing created', async (ctx) => {
      const project = await deployProject(19105);
      ctx.onTestFinished(() => project.cleanup());
      writeFileSync(join(project.dir, 'blocker'), '');
      project.configure({ server: { root: join(project.dir, 'blocker', 'srv') } });
      const result = await project.deploy(await project.release('1.0.0'));
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stderr).toMatch(/deploy root .*blocker\/srv\/catalog is not usable: .*ENOTDIR.*nothing was changed/);
      expect(result.stdout).not.toContain('▸');
      expect(project.nginxMasterPid()).toBeUndefined();
      expect(await project.get('/')).toMatchObject({ ok: false, status: 0 });
    });

    // Before 01:10 UTC this passed the preflight: blue started, live.sock was renamed, state
    // recorded, and only "Confirm through nginx" failed with nginx's 403 (exit 1 with traffic
    // moved). Now refused by checkNginxCanReach() in the preflight step (packages/deploy/src/handlers.ts).
    it('a root below a directory that nginx workers cannot enter (0700): exit 1 before anything starts', async (ctx) => {
      const project = await deployProject(19112);
      ctx.onTestFinished(() => project.cleanup());
      const hidden = join(project.dir, 'private');
      mkdirSync(hidden);
      chmodSync(hidden, 0o700);
      project.configure({ server: { root: join(hidden, 'srv') } });
      const result = await project.deploy(await project.release('1.0.0'));
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).not.toContain('▸ Start blue');
      expect(result.stderr).toContain(hidden);
      expect(result.stderr).toMatch(/cannot reach .* not traversable by others/);
      expect(appProcesses(project.dir)).toEqual([]);
    });

    describe.skipIf(!canMount)('on real filesystems (tmpfs and bind mounts: needs root with CAP_SYS_ADMIN)', () => {
      it('a full disk under a live app: exit 1, files unchanged, live keeps serving', async (ctx) => {
        const project = await deployProject(19106);
        ctx.onTestFinished(() => project.cleanup());
        mkdirSync(project.serverRoot);
        mount(['-t', 'tmpfs', '-o', 'size=80m,mode=755', 'tmpfs', project.serverRoot]);
        const v1 = await project.release('1.0.0');
        const first = await project.deploy(v1);
        expect(first.code, first.stdout + first.stderr).toBe(0);
        // Leave less than the 64 MB a deploy needs.
        writeFileSync(join(project.serverRoot, 'filler'), Buffer.alloc(40 * 1024 * 1024));
        const before = snapshot(project.appRoot);
        const loop = requestLoop(project.port);
        const result = await project.deploy(await project.release('2.0.0'));
        const traffic = await loop.stop();
        expect(result.code, result.stdout + result.stderr).toBe(1);
        expect(result.stderr).toMatch(/deploy root .*\/srv\/catalog has [\d.]+ MB free; a deploy needs at least 64 MB\. Nothing was changed/);
        expect(result.stdout).not.toContain('▸');
        expect(snapshot(project.appRoot)).toEqual(before);
        expect(traffic.failures).toEqual([]);
        expect(await project.liveColor()).toBe('blue');
      });

      it('a read-only deploy root under a live app: exit 1 (EROFS), files unchanged, live keeps serving', async (ctx) => {
        const project = await liveProject(ctx, 19107);
        const before = snapshot(project.appRoot);
        // The same directory, read-only from now on; open files and the sockets keep working.
        mount(['--bind', project.serverRoot, project.serverRoot]);
        mount(['-o', 'remount,bind,ro', project.serverRoot]);
        const loop = requestLoop(project.port);
        const result = await project.deploy(await project.release('2.0.0'));
        const traffic = await loop.stop();
        expect(result.code, result.stdout + result.stderr).toBe(1);
        expect(result.stderr).toMatch(/deploy root .*\/srv\/catalog is not usable: cannot write in .*EROFS.*nothing was changed/);
        expect(result.stdout).not.toContain('▸');
        expect(snapshot(project.appRoot)).toEqual(before);
        expect(traffic.failures).toEqual([]);
        expect(await project.liveColor()).toBe('blue');
      });
    });
  });

  describe('regressions found by these tests', () => {
    // A deploy refused by its gate leaves the idle colour's link on the refused release; the
    // rollback must still go back to v1, never to the broken v3.
    it('after a deploy refused by its gate, rollback returns to the release that was live before', async (ctx) => {
      const project = await liveProject(ctx, 19110, { health: { timeoutMs: 2000 } });
      const second = await project.deploy(await project.release('2.0.0'));
      expect(second.code, second.stdout + second.stderr).toBe(0);
      const refused = await project.deploy(await project.release('3.0.0', { broken: true }));
      expect(refused.code).toBe(1);
      expect(await project.liveColor()).toBe('green');

      const rollback = await project.run('rollback.ts');
      expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
      expect(await project.liveColor()).toBe('blue');
      expect((await project.get('/')).headers['x-app-version']).toBe('1.0.0');
    });

    // A live colour that died on its own gets no drain step; state.json must still stop calling it running.
    it('a deploy after the live process died records the dead colour as stopped in state.json', async (ctx) => {
      const project = await liveProject(ctx, 19111);
      process.kill(project.colorPid('blue')!, 'SIGKILL');
      const result = await project.deploy(await project.release('2.0.0'));
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(await project.liveColor()).toBe('green');
      expect(project.colorPid('blue')).toBeUndefined();
      expect(readState(project).colors.blue).toBeNull();
    });

    // The schema accepts "-" in app names, and nginx variable names cannot hold one: the
    // rendered identifiers must not break nginx -t.
    it('an app name with a hyphen (valid per the schema) deploys', async (ctx) => {
      const project = await deployProject(19115, { app: 'my-shop' });
      ctx.onTestFinished(() => project.cleanup());
      const result = await project.deploy(await project.release('1.0.0'));
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(await project.liveColor()).toBe('blue');
    });
  });

  // The same two cases with each colour a unit <app>@<colour> of the systemd user manager.
  describe.skipIf(!hasSystemctl)('under systemd (the private user manager)', () => {
    it('a release that fails its health gate: exit 1, its log shown, the unit stopped, traffic untouched', (ctx) =>
      gateRefusal(ctx, 19113, { supervisor: 'systemd' }));

    it('the live unit SIGKILLed under GET load: 0 failed GETs', (ctx) => liveKilledUnderLoad(ctx, 19114, { supervisor: 'systemd' }));
  });

  describe('--dry-run and --json', () => {
    it('--dry-run on a server never deployed to prints the plan and every file, creates nothing', async (ctx) => {
      const project = await deployProject(19108);
      ctx.onTestFinished(() => project.cleanup());
      const result = await project.deploy(await project.release('1.0.0'), ['--dry-run']);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/Plan:\n {2}1\. Check the deploy root\n {2}2\. Check the asset store\n {2}3\. Ship release \S+/);
      expect(result.stdout).toContain(`+++ b${join(project.appRoot, 'nginx/site.conf')}`);
      expect(result.stdout).toContain('Dry run: nothing was changed.');
      expect(existsSync(project.serverRoot)).toBe(false);
      expect(project.nginxMasterPid()).toBeUndefined();
    });

    it('--dry-run after a deploy changes nothing and shows the diffs; --json lines share one deployId', async (ctx) => {
      const project = await liveProject(ctx, 19109);
      const v2 = await project.release('2.0.0');
      const before = snapshot(project.appRoot);
      const colorEnv = join(project.appRoot, 'run/green.env');

      const text = await project.deploy(v2, ['--dry-run']);
      expect(text.code, text.stdout + text.stderr).toBe(0);
      expect(text.stdout).toMatch(/^deploy \(local\): release \S+ to green$/m);
      for (const step of ['Ship release', 'Link green to', 'Start green', 'Health gate green', 'Switch to green (socket rename, no reload)', 'Drain and stop blue'])
        expect(text.stdout).toMatch(new RegExp(`^ {2}\\d+\\. ${step.replace(/[()]/g, '\\$&')}`, 'm'));
      expect(text.stdout).toContain(`+++ b${colorEnv}`);
      expect(text.stdout).not.toContain('▸');

      const json = await project.deploy(v2, ['--dry-run', '--json']);
      expect(json.code, json.stderr).toBe(0);
      const events = json.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { deployId: string; type: string; outcome?: string; path?: string });
      expect(new Set(events.map((e) => e.deployId)).size).toBe(1);
      expect(events[0]?.deployId).toMatch(/^[0-9a-f]{12}$/);
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['start', 'plan', 'diff', 'finish']));
      expect(events.find((e) => e.type === 'diff')?.path).toBe(colorEnv);
      expect(events.at(-1)).toMatchObject({ type: 'finish', outcome: 'dry-run' });

      expect(snapshot(project.appRoot)).toEqual(before);
      expect(await project.liveColor()).toBe('blue');
      expect(readState(project).live).toBe('blue');

      // A real deploy with --json: every line is one JSON object, all with the same deployId, which the audit line carries too.
      const real = await project.deploy(v2, ['--json']);
      expect(real.code, real.stderr).toBe(0);
      const lines = real.stdout.trim().split('\n');
      const parsed = lines.map((line) => JSON.parse(line) as { deployId: string; type: string });
      const ids = new Set(parsed.map((e) => e.deployId));
      expect(ids.size).toBe(1);
      expect(parsed.filter((e) => e.type === 'step-start').length).toBe(parsed.filter((e) => e.type === 'step-end').length);
      expect(parsed.at(-1)).toMatchObject({ type: 'finish', outcome: 'ok' });
      const audit = readFileSync(join(project.appRoot, 'log/deploys.jsonl'), 'utf8').trim().split('\n');
      expect((JSON.parse(audit.at(-1)!) as { deployId: string }).deployId).toBe([...ids][0]);
      expect(readlinkSync(join(project.appRoot, 'run/live.sock'))).toBe('green.sock');
    });
  });
});
