import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveProject } from './support/live-project';

/*
 * The idle colour is reachable only through the staging route and its protection. A local user
 * other than nginx's workers must not get around it: no connect() to either colour's socket (the
 * sample app, like gunicorn's default umask, makes its socket 0666), and no reading the colours'
 * env files, the shared env file or state.json. nginx's workers, as they really run, still connect.
 */

const OTHER_USER = 'daemon';

// Connects to each *.sock, reads every other path; prints { path: "ok" | errno code }.
const PROBE = `
const net = require('node:net');
const fs = require('node:fs');
const attempt = (path) => new Promise((resolve) => {
  if (!path.endsWith('.sock')) {
    try { fs.readFileSync(path); resolve('ok'); } catch (error) { resolve(error.code); }
    return;
  }
  const socket = net.connect(path, () => { socket.destroy(); resolve('ok'); });
  socket.on('error', (error) => resolve(error.code));
});
Promise.all(process.argv.slice(1).map(attempt)).then((outcomes) =>
  console.log(JSON.stringify(Object.fromEntries(process.argv.slice(1).map((path, i) => [path, outcomes[i]])))));
`;

/** The outcome of reaching each path as `identity` (setpriv's options), from a process of its own. */
function reachAs(identity: string[], paths: string[]): Record<string, string> {
  const probe = spawnSync('setpriv', [...identity, '--', process.execPath, '-e', PROBE, ...paths], { cwd: '/', encoding: 'utf8', timeout: 10_000 });
  expect(probe.status, probe.stderr).toBe(0);
  return JSON.parse(probe.stdout) as Record<string, string>;
}

/** setpriv's options for exactly the uid, gid and groups a running process has. */
function identityOf(pid: number): string[] {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim().split(/\s+/) ?? [];
  const groups = field('Groups');
  return [`--reuid=${field('Uid')[1]}`, `--regid=${field('Gid')[1]}`, ...(groups.length > 0 ? [`--groups=${groups.join(',')}`] : ['--clear-groups'])];
}

const everyone = (outcomes: Record<string, string>, expected: string) => Object.fromEntries(Object.keys(outcomes).map((path) => [path, expected]));

describe.skipIf(process.getuid?.() !== 0)('another local user', () => {
  it("reaches neither colour nor their env files nor state.json; nginx's workers reach the colours; an older deployment is fixed by the next deploy", async ({ onTestFinished }) => {
    const project = await liveProject({ onTestFinished }, 19172);
    // Both colours up: green gated and kept running as the idle colour, behind the staging route.
    const staged = await project.deploy(await project.release('2.0.0'), ['--no-switch']);
    expect(staged.code, staged.stdout + staged.stderr).toBe(0);

    const at = (path: string) => join(project.appRoot, path);
    const sockets = [at('run/blue.sock'), at('run/green.sock')];
    const files = [at('run/blue.env'), at('run/green.env'), at('shared/env'), at('state.json')];
    const other = ['--reuid', OTHER_USER, '--regid', OTHER_USER, '--clear-groups'];
    const byOther = reachAs(other, [...sockets, ...files]);
    expect(byOther).toEqual(everyone(byOther, 'EACCES'));
    const worker = project.nginxWorkerPids()[0]!;
    const byNginx = reachAs(identityOf(worker), sockets);
    expect(byNginx).toEqual(everyone(byNginx, 'ok'));

    // What an older Switchyard left: files others could read, run/ open to them.
    for (const path of [at('run/blue.env'), at('run/green.env'), at('state.json')]) chmodSync(path, 0o644);
    chmodSync(at('run'), 0o2755);
    const next = await project.deploy(await project.release('3.0.0'), ['--no-switch']);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    const mode = (path: string) => (statSync(path).mode & 0o7777).toString(8);
    expect([at('run'), ...files].map(mode)).toEqual(['2710', '600', '600', '600', '600']);
    const afterNext = reachAs(other, [...sockets, ...files]);
    expect(afterNext).toEqual(everyone(afterNext, 'EACCES'));
    expect(reachAs(identityOf(project.nginxWorkerPids()[0]!), sockets)).toEqual(byNginx);
    expect((await project.get('/api/products')).status).toBe(200);
  });
});
