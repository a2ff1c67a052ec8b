import { spawnSync } from 'node:child_process';
import { appendFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { type DeployProject, deployProject, type Running, spawnScript } from './support/deploy-project';
import { remoteProject } from './support/remote-project';

/*
 * `logs` against the real thing: catalog-app deployed over SSH (sshd on 127.0.0.1, the `deploy`
 * user, no sudo) and on this machine, its logs read back through the command as a person runs it.
 */

type OnFinished = (fn: OnTestFinishedHandler) => void;

/** These tests read the app's start line among its last ones, where warm-up requests (health.warmup) would push it out. */
const NO_WARMUP = { health: { warmup: { requests: 0 } } };

/** catalog-app 1.0.0 deployed through sshd to a deploy root the deploy user owns, as server:init leaves it. */
async function deployedOverSsh(preferredPort: number, onTestFinished: OnFinished): Promise<DeployProject> {
  const { project } = await remoteProject(preferredPort, onTestFinished);
  project.configure(NO_WARMUP);
  const deployed = await project.deploy(await project.release('1.0.0'));
  expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
  return project;
}

const lines = (text: string) => text.split('\n').filter(Boolean);

/** Every `tail -F` of this project's logs (on the server, and the ssh client carrying one): none once `logs` ends. */
function tailsOf(project: DeployProject): string[] {
  const found = spawnSync('pgrep', ['-af', `tail -v -n [0-9]+ -F -- ${project.appRoot}/log/`], { encoding: 'utf8' });
  return lines(found.stdout);
}

/** How the command ended, or a failure if it has not within `ms`. */
async function endsWithin(running: Running, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`logs still running ${ms} ms after the signal:\n${running.output}`)), ms)));
  try {
    return await Promise.race([running.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('logs from a server reached over SSH', () => {
  it('shows each colour, source after source, every line naming the server and the colour', async ({ onTestFinished }) => {
    const project = await deployedOverSsh(19155, onTestFinished);

    const first = await project.run('logs.ts');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^\[TEST_SERVER\] blue \| \{.*"msg":"listening"/m);
    expect(first.stdout).toContain('[TEST_SERVER] green | (no log yet)\n');
    expect(lines(first.stdout).every((line) => line.startsWith('[TEST_SERVER] '))).toBe(true);
    expect(first.stdout).not.toContain('==>');

    const second = await project.deploy(await project.release('2.0.0'));
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const green = await project.run('logs.ts', ['--color', 'green']);
    expect(green.code, green.stderr).toBe(0);
    expect(green.stdout).toMatch(/^\[TEST_SERVER\] green \| \{.*"msg":"listening"/m);
    expect(lines(green.stdout).every((line) => line.startsWith('[TEST_SERVER] green | '))).toBe(true);

    const json = await project.run('logs.ts', ['--color', 'blue', '--lines', '1', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(lines(json.stdout).map((line) => JSON.parse(line))).toEqual([{ host: 'TEST_SERVER', source: 'blue', line: expect.stringMatching(/^\{/) }]);

    // blue's log last written two hours ago: --since 10m leaves it out, and says so.
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(project.appRoot, 'log/blue.log'), twoHoursAgo, twoHoursAgo);
    const recent = await project.run('logs.ts', ['--since', '10m']);
    expect(recent.code, recent.stderr).toBe(0);
    expect(recent.stdout).toContain('[TEST_SERVER] blue | (not modified in the last 10m)\n');
    expect(recent.stdout).toMatch(/^\[TEST_SERVER\] green \| \{/m);
    expect(recent.stdout).not.toMatch(/^\[TEST_SERVER\] blue \| \{/m);
    expect((await project.run('logs.ts', ['--since', '3h'])).stdout).toMatch(/^\[TEST_SERVER\] blue \| \{/m);

    const badSince = await project.run('logs.ts', ['--since', '10 minutes']);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since: expected a duration such as 30s, 10m, 2h or 1d');
    const badColor = await project.run('logs.ts', ['--color', 'red']);
    expect(badColor.code).toBe(2);
    expect(badColor.stderr).toContain('--color: expected "blue" or "green"');
  });

  it('--follow shows lines as they are written to either colour, until SIGINT ends it with exit 0 and no tail left on the server', async ({ onTestFinished }) => {
    const project = await deployedOverSsh(19156, onTestFinished);
    const follow = spawnScript('logs.ts', [...project.flags(), '--follow']);
    onTestFinished(() => void follow.child.kill('SIGKILL'));
    await follow.waitFor(/^\[TEST_SERVER\] green \| \(no log yet\)$/m, 20_000);
    await follow.waitFor(/^\[TEST_SERVER\] blue \| \{.*"msg":"listening"/m, 20_000);
    expect(tailsOf(project).length).toBeGreaterThan(0);

    appendFileSync(join(project.appRoot, 'log/blue.log'), 'first line written while following\n');
    await follow.waitFor(/^\[TEST_SERVER\] blue \| first line written while following$/m, 10_000);
    // A file that appears later, then a switch back: tail's headers name each, and are never shown.
    appendFileSync(join(project.appRoot, 'log/green.log'), 'green appeared\n');
    await follow.waitFor(/^\[TEST_SERVER\] green \| green appeared$/m, 10_000);
    appendFileSync(join(project.appRoot, 'log/blue.log'), 'blue again\n');
    await follow.waitFor(/^\[TEST_SERVER\] blue \| blue again$/m, 10_000);
    expect(follow.output).not.toContain('==>');

    follow.child.kill('SIGINT');
    const ended = await endsWithin(follow, 3_000);
    expect(ended.code, ended.output).toBe(0);
    expect(tailsOf(project)).toEqual([]);
  });
});

describe('logs on this machine', () => {
  it('shows the colour without a host, follows, and ends on SIGTERM with exit 0', async ({ onTestFinished }) => {
    const project = await deployProject(19157, NO_WARMUP);
    onTestFinished(() => project.cleanup());
    const deployed = await project.deploy(await project.release('1.0.0'));
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);

    const shown = await project.run('logs.ts');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^blue \| \{.*"msg":"listening"/m);
    expect(shown.stdout).toContain('green | (no log yet)\n');
    expect(lines(shown.stdout).every((line) => /^(blue|green|worker) \| /.test(line))).toBe(true);
    // The private nginx's error log: its lines, or "(empty)".
    const nginx = await project.run('logs.ts', ['--nginx', '--color', 'green']);
    expect(nginx.code, nginx.stderr).toBe(0);
    expect(nginx.stdout).toMatch(/^nginx \| /m);
    // The worker's log is shown when it exists; an empty one says so.
    writeFileSync(join(project.appRoot, 'log/worker.log'), '');
    expect((await project.run('logs.ts')).stdout).toContain('worker | (empty)\n');

    const follow = spawnScript('logs.ts', [...project.flags(), '--follow', '--color', 'blue']);
    onTestFinished(() => void follow.child.kill('SIGKILL'));
    // The last lines are out: tail has the file open, and what is appended now comes next.
    await follow.waitFor(/^blue \| \{.*"msg":"listening"/m, 20_000);
    appendFileSync(join(project.appRoot, 'log/blue.log'), 'written while following\n');
    await follow.waitFor(/^blue \| written while following$/m, 10_000);

    follow.child.kill('SIGTERM');
    const ended = await endsWithin(follow, 3_000);
    expect(ended.code, ended.output).toBe(0);
    expect(tailsOf(project)).toEqual([]);
  });
});
