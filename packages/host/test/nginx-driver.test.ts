import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerLayout } from '@switchyard/templates';
import { describe, expect, it } from 'vitest';
import { HostFileError, ProxyError } from '../src/errors';
import { localHost } from '../src/local-host';
import { type NginxDriver, nginxDriver } from '../src/nginx-driver';
import { waitForExit } from '../src/proc';
import { freePort, onCleanup, tempLayout } from './helpers';

const host = localHost();

// pid, error_log and every *_temp_path inside the prefix, so nothing outside it is touched.
function nginxConf(layout: ServerLayout, port: number, answer: string, extra = ''): string {
  return `worker_processes 2;
pid ${layout.privateNginxPid};
error_log ${layout.nginxDir}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${layout.nginxDir}/client_body;
  proxy_temp_path ${layout.nginxDir}/proxy;
  fastcgi_temp_path ${layout.nginxDir}/fastcgi;
  uwsgi_temp_path ${layout.nginxDir}/uwsgi;
  scgi_temp_path ${layout.nginxDir}/scgi;
  ${extra}
  server {
    listen 127.0.0.1:${port};
    location / { return 200 "${answer}\\n"; }
  }
}
`;
}

async function setup() {
  const layout = await tempLayout();
  await mkdir(layout.nginxDir, { recursive: true });
  const port = await freePort();
  await writeFile(layout.privateNginxConf, nginxConf(layout, port, 'v1'));
  const nginx = nginxDriver({ host, mode: 'private', layout });
  onCleanup(() => nginx.stop());
  return { layout, port, nginx };
}

const get = async (port: number) => (await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } })).text();

async function masterPid(layout: ServerLayout): Promise<number> {
  return Number((await readFile(layout.privateNginxPid, 'utf8')).trim());
}

async function reloadAndWait(nginx: NginxDriver) {
  const old = await nginx.workers();
  await nginx.reload();
  const remaining = await waitForExit(host, old, 5_000);
  return { old, remaining };
}

describe('nginx driver, private instance', () => {
  it('starts once, serves, and reloads gracefully: new workers, the same master', { timeout: 30_000 }, async () => {
    const { layout, port, nginx } = await setup();
    expect(await nginx.test()).toEqual({ ok: true });
    expect(await nginx.isRunning()).toBe(false);
    await nginx.ensureRunning();
    const master = await masterPid(layout);
    await nginx.ensureRunning();
    expect(await masterPid(layout)).toBe(master);
    expect(await get(port)).toBe('v1\n');

    await writeFile(layout.privateNginxConf, nginxConf(layout, port, 'v2'));
    const { old, remaining } = await reloadAndWait(nginx);
    expect(old).toHaveLength(2);
    expect(remaining).toEqual([]);
    const fresh = await nginx.workers();
    expect(fresh).toHaveLength(2);
    expect(fresh.map((w) => w.pid)).not.toContain(old[0]?.pid);
    expect(await get(port)).toBe('v2\n');
    expect(await masterPid(layout)).toBe(master);

    await nginx.stop();
    expect(await nginx.isRunning()).toBe(false);
    expect(await nginx.workerIdentity()).toBeUndefined();
  });

  it("names the workers' own user, not the master's: nobody when root starts it", { timeout: 30_000 }, async () => {
    const { nginx } = await setup();
    await nginx.ensureRunning();
    const identity = await nginx.workerIdentity();
    const [worker] = await nginx.workers();
    const status = await readFile(`/proc/${worker!.pid}/status`, 'utf8');
    expect(identity?.uid).toBe(Number(/^Uid:\s+\d+\s+(\d+)/m.exec(status)![1]));
    if (process.getuid?.() === 0) expect(identity?.uid).toBe(Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })));
  });

  it("lists the workers alone, beside a cache manager, from /proc and from ps where the kernel lists no children", { timeout: 30_000 }, async () => {
    const { layout, port } = await setup();
    await writeFile(layout.privateNginxConf, nginxConf(layout, port, 'v1', `proxy_cache_path ${layout.nginxDir}/cache keys_zone=c:1m;`));
    const nginx = nginxDriver({ host, mode: 'private', layout });
    await nginx.ensureRunning();
    const master = await masterPid(layout);
    // The cache manager is the master's child too, as the workers' user; it is no worker.
    const children = async () => (await readFile(`/proc/${master}/task/${master}/children`, 'utf8')).trim().split(/\s+/);
    for (let i = 0; i < 100 && (await children()).length <= 2; i++) await sleep(20);
    expect((await children()).length).toBeGreaterThan(2);
    const withoutChildrenList: typeof host = { ...host, readFile: async (path) => (path.endsWith('/children') ? undefined : host.readFile(path)) };
    const viaPs = nginxDriver({ host: withoutChildrenList, mode: 'private', layout });
    const fromProc = (await nginx.workers()).map((w) => w.pid).sort();
    expect(fromProc).toHaveLength(2);
    expect((await viaPs.workers()).map((w) => w.pid).sort()).toEqual(fromProc);
    expect(await viaPs.workerIdentity()).toEqual(await nginx.workerIdentity());
  });

  it('skips a worker that exits while its command line is read, as old workers do after a reload', { timeout: 30_000 }, async () => {
    const { layout, nginx } = await setup();
    await nginx.ensureRunning();
    const all = (await nginx.workers()).map((w) => w.pid).sort();
    expect(all).toHaveLength(2);
    const [vanishing, staying] = all;
    // What /proc answers for a process that exits between the master's child list and this read.
    const racing: typeof host = {
      ...host,
      readFile: async (path) => {
        if (path === `/proc/${vanishing}/cmdline`) throw new HostFileError('read', path, 'ESRCH', 'No such process');
        return host.readFile(path);
      },
    };
    const during = nginxDriver({ host: racing, mode: 'private', layout });
    expect((await during.workers()).map((w) => w.pid)).toEqual([staying]);
    expect((await during.workerIdentity())?.uid).toBe((await nginx.workerIdentity())?.uid);
  });

  it('returns nginx -t\'s own message and reloads nothing when the config is rejected', { timeout: 30_000 }, async () => {
    const { layout, port, nginx } = await setup();
    await nginx.ensureRunning();
    const workers = await nginx.workers();

    await writeFile(layout.privateNginxConf, nginxConf(layout, port, 'broken', 'no_such_directive on;'));
    const tested = await nginx.test();
    expect(tested.ok).toBe(false);
    expect(!tested.ok && tested.message).toContain(`unknown directive "no_such_directive" in ${layout.privateNginxConf}:`);
    const error = await nginx.reload().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as Error).message).toMatch(/^nginx rejected the configuration; nothing was reloaded:\n.*no_such_directive/);

    expect(await get(port)).toBe('v1\n');
    expect((await nginx.workers()).map((w) => w.pid).sort()).toEqual(workers.map((w) => w.pid).sort());
  });

  it('refuses to start on a rejected config', async () => {
    const { layout, port, nginx } = await setup();
    await writeFile(layout.privateNginxConf, nginxConf(layout, port, 'x', 'listen_typo 1;'));
    await expect(nginx.ensureRunning()).rejects.toThrow(/unknown directive "listen_typo"/);
    expect(await nginx.isRunning()).toBe(false);
  });
});

describe('nginx driver, system mode where systemd is not PID 1', () => {
  // The system's own nginx is not ours to touch: a wrapper stands in for /usr/sbin/nginx with its
  // default config, so the system-mode path (nginx -t, then nginx -s reload) runs for real.
  it('tests and reloads through the nginx binary', { timeout: 30_000 }, async () => {
    const { layout, port, nginx: privateNginx } = await setup();
    const wrapper = join(layout.nginxDir, 'nginx-wrapper');
    await writeFile(wrapper, `#!/bin/sh\nexec nginx -p ${layout.nginxDir}/ -c ${layout.privateNginxConf} "$@"\n`);
    await chmod(wrapper, 0o755);
    const nginx = nginxDriver({ host, mode: 'system', layout, binary: wrapper, systemPidFile: layout.privateNginxPid });
    await nginx.ensureRunning();
    expect(await privateNginx.isRunning()).toBe(true);
    await writeFile(layout.privateNginxConf, nginxConf(layout, port, 'v2'));
    expect((await reloadAndWait(nginx)).remaining).toEqual([]);
    expect(await get(port)).toBe('v2\n');
    await expect(nginx.stop()).rejects.toThrow(ProxyError);
  });
});
