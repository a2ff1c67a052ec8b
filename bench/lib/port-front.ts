import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@switchyard/config/validation';
import { type LoadResult, startLoad } from '@switchyard/demo';
import { renderNginxMain, renderSiteConf, serverLayout, upstreamName } from '@switchyard/templates';
import { killProcessesUnder } from './app-project';
import { timeChild } from './child';
import { onCleanup } from './cleanup';

/*
 * The extra hop a port-only app pays: one private nginx with two servers on 127.0.0.1, one
 * proxying straight to the app's port, the other to the colour's front (run/blue.sock, a server
 * of nginx's own, as renderColorFronts renders it) which proxies to the same port. Both outer
 * servers are alike (the proxy settings of the real site). Their upstreams are each as it would
 * be: straight to the port, keepalive 32 and nothing more (as the front's own upstream, and as a
 * port upstream was before the fronts); to the front, as the site's upstreams to the links that a
 * switch renames (renderUpstreams: keepalive 32, keepalive_time 1s). The difference is what a
 * port-only app pays for switching by rename: the front's hop and the outer pool's renewal.
 */

export interface PortFrontOptions {
  repo: string;
  /** Removed and recreated. */
  dir: string;
  ports: { direct: number; front: number; app: number };
  connections: number;
  threads: number;
  seconds: number;
  rounds: number;
  print(line: string): void;
  phase(title: string): void;
}

export type Route = 'direct' | 'front';

export interface PortFrontRun {
  route: Route;
  round: number;
  load: LoadResult;
}

const APP_NAME = 'bench-front';

/** nginx's top-level blocks of a rendered site.conf, each as its lines. */
function topLevelBlocks(text: string): string[][] {
  const blocks: string[][] = [];
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (!current && /^\S.*\{$/.test(line)) current = [line];
    else if (current) {
      current.push(line);
      if (line === '}') {
        blocks.push(current);
        current = undefined;
      }
    }
  }
  return blocks;
}

/**
 * The blue front exactly as Switchyard renders it for a port-mode app (its upstream and its
 * server on run/blue.sock), taken from renderSiteConf of a config written under dir.
 */
function renderedBlueFront(repo: string, dir: string, appPort: number): { lines: string; socket: string; keepaliveMs: number } {
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  const local = JSON.parse(readFileSync(join(repo, 'config/local.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(
    join(configDir, 'base.json'),
    JSON.stringify({
      app: APP_NAME,
      source: { type: 'path', path: join(dir, 'app') },
      start: { command: ['node', 'server-port.js'], listen: { type: 'port', address: '127.0.0.1', blue: appPort, green: appPort + 1 } },
    }),
  );
  writeFileSync(join(configDir, 'local.json'), JSON.stringify({ ...local, server: { type: 'local', root: join(dir, 'srv') }, assets: { type: 'local', directory: join(dir, 'assets') } }));
  const { config, errors } = loadConfig({ environment: 'local', configDir });
  if (!config) throw new Error(`port-front config: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  const layout = serverLayout(config);
  const socket = layout.socket('blue');
  const blocks = topLevelBlocks(renderSiteConf(config));
  const upstream = blocks.find((b) => b[0] === `upstream ${upstreamName(APP_NAME, 'blue')} {`);
  const server = blocks.find((b) => b[0] === 'server {' && b.some((line) => line.trim() === `listen unix:${socket};`));
  if (!upstream || !server) throw new Error(`renderSiteConf rendered no front for blue (looked for its upstream and a server listening on ${socket})`);
  mkdirSync(layout.runDir, { recursive: true });
  return { lines: [...upstream, '', ...server].join('\n'), socket, keepaliveMs: config.nginx.upstreamKeepaliveMs };
}

/** An outer server as the real site's (serverSettings' proxy lines), without its log, gzip and retries. */
function outerServer(port: number, upstream: string): string {
  return `server {
    listen 127.0.0.1:${port};
    access_log off;
    server_tokens off;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_connect_timeout 2s;
    location / {
        proxy_pass http://${upstream};
    }
}`;
}

/**
 * keepalive 32 and the config's keepalive_timeout; `linked`: also keepalive_time 1s, as the real
 * site's upstreams to the links a switch renames (renderUpstreams).
 */
function outerUpstream(name: string, target: string, keepaliveMs: number, linked: boolean): string {
  return `upstream ${name} {
    server ${target} max_fails=0;
    keepalive 32;
    keepalive_timeout ${keepaliveMs}ms;${linked ? '\n    keepalive_time 1s;' : ''}
}`;
}

async function waitForHealth(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
      last = `${response.status} ${await response.text()}`;
      if (response.ok) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`127.0.0.1:${port}/health did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function stopNginx(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (!(pid > 0)) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'nginx' && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGQUIT');
  for (let i = 0; i < 100 && alive(); i++) await sleep(30);
  if (alive()) process.kill(pid, 'SIGKILL');
}

/** Sets up the app and nginx, runs wrk against each route in turn, and stops everything it started. */
export async function portFrontBench(options: PortFrontOptions): Promise<PortFrontRun[]> {
  const { repo, dir, ports, print } = options;
  killProcessesUnder(dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  // The app: express-app's server-port.js (port only), installed as a deploy installs it.
  const appDir = join(dir, 'app');
  const fixture = join(repo, 'test/fixtures/apps/express-app');
  cpSync(fixture, appDir, { recursive: true, filter: (path) => !path.startsWith(join(fixture, 'node_modules')) });
  print('  npm ci in a copy of express-app…');
  const install = await timeChild('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: appDir, timeoutMs: 180_000 });
  if (install.code !== 0) throw new Error(`npm ci in ${appDir} exited ${install.code}:\n${install.output.slice(-2000)}`);
  const app = spawn(process.execPath, ['server-port.js'], {
    cwd: appDir,
    env: { ...process.env, PORT: String(ports.app), HOST: '127.0.0.1', COLOR: 'blue', NODE_ENV: 'production' },
    stdio: 'ignore',
  });
  const dropApp = onCleanup(() => stopChild(app));

  // nginx: the rendered front, and the two outer servers.
  const front = renderedBlueFront(repo, dir, ports.app);
  const nginxDir = join(dir, 'nginx');
  mkdirSync(nginxDir, { recursive: true });
  const siteConf = join(nginxDir, 'site.conf');
  writeFileSync(
    siteConf,
    [
      '# Port-front micro-benchmark: direct to the port, or through the colour front (rendered by Switchyard).',
      outerUpstream('bench_direct', `127.0.0.1:${ports.app}`, front.keepaliveMs, false),
      outerUpstream('bench_via_front', `unix:${front.socket}`, front.keepaliveMs, true),
      '# The front, as renderColorFronts renders it:',
      front.lines,
      outerServer(ports.direct, 'bench_direct'),
      outerServer(ports.front, 'bench_via_front'),
      '',
    ].join('\n\n'),
  );
  const pidFile = join(nginxDir, 'nginx.pid');
  const conf = join(nginxDir, 'nginx.conf');
  writeFileSync(
    conf,
    renderNginxMain({
      title: `port-front micro-benchmark: nginx -p ${nginxDir} -c ${conf}`,
      pidFile,
      errorLog: join(nginxDir, 'error.log'),
      tempPath: (kind) => join(nginxDir, `${kind}_temp`),
      siteConf,
    }),
  );
  const nginxArgs = ['-p', nginxDir, '-c', conf];
  const test = spawnSync('nginx', ['-t', '-q', ...nginxArgs], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t: ${test.stderr}${test.stdout}`);
  const dropNginx = onCleanup(() => stopNginx(pidFile));
  const started = spawnSync('nginx', nginxArgs, { encoding: 'utf8' });
  if (started.status !== 0 || !existsSync(pidFile)) throw new Error(`nginx did not start: ${started.stderr}${started.stdout}`);

  try {
    await waitForHealth(ports.app, 10_000);
    await waitForHealth(ports.direct, 5_000);
    await waitForHealth(ports.front, 5_000);
    const wrk = async (route: Route, seconds: number) => {
      const load = startLoad({
        url: `http://127.0.0.1:${route === 'direct' ? ports.direct : ports.front}/api/products`,
        method: 'GET',
        connections: options.connections,
        threads: options.threads,
        maxDurationSec: seconds,
      });
      const stop = onCleanup(async () => void (await load.stop().catch(() => undefined)));
      try {
        return await load.finished;
      } finally {
        stop();
      }
    };
    print(`  warm-up: 2 s on each route…`);
    await wrk('direct', 2);
    await wrk('front', 2);
    const runs: PortFrontRun[] = [];
    for (let round = 1; round <= options.rounds; round++)
      for (const route of ['direct', 'front'] as const) {
        options.phase(`port front: ${route === 'direct' ? 'straight to the port' : 'through the front'}, round ${round}/${options.rounds}, ${options.seconds} s`);
        const load = await wrk(route, options.seconds);
        print(`  ${Math.round(load.requests / load.durationSec).toLocaleString('en-US')} req/s, p50 ${load.latencyMs.p50.toFixed(2)} ms, p99 ${load.latencyMs.p99.toFixed(2)} ms`);
        runs.push({ route, round, load });
      }
    return runs;
  } finally {
    await stopNginx(pidFile);
    dropNginx();
    await stopChild(app);
    dropApp();
  }
}
