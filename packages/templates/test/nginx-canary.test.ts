import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readlinkSync, renameSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketLinks, type Color, type LinkSpec, renderAll, serverLayout } from '../src/index';
import { configFrom, run, tempDir, writeFiles } from './support';

/*
 * Socket mode's canary in a running private nginx: the rendered site (fixed 1% buckets) in front
 * of two backends on unix sockets, moved only by renaming links as the deploy does. nginx's
 * workers must stay the same processes throughout: no reload, so no client connection is cut.
 */

const NGINX = '/usr/sbin/nginx';
const PORT = 18_310;
/** Short, so that idle pooled upstream connections (opened before a rename) are gone quickly. */
const KEEPALIVE_MS = 200;
const SAMPLES = 1000;

const dir = tempDir('canary');
// mkdtemp makes it 0700; as root, nginx's "nobody" workers must reach the sockets.
chmodSync(dir, 0o755);
const config = configFrom({
  server: { type: 'local', root: dir },
  nginx: { listen: { address: '127.0.0.1', port: PORT }, upstreamKeepaliveMs: KEEPALIVE_MS },
  modules: ['api'],
});
const layout = serverLayout(config);
const nginxArgs = ['-e', layout.nginxErrorLog, '-p', layout.nginxDir, '-c', layout.privateNginxConf];
const backends: Server[] = [];

async function startBackend(color: Color): Promise<void> {
  const server = createServer((_request, response) => response.end(color));
  await new Promise<void>((resolve) => server.listen(layout.socket(color), resolve));
  chmodSync(layout.socket(color), 0o666);
  backends.push(server);
}

/** What the deploy's host.symlinkAtomic does: a temp link renamed over the old one. */
function pointLinks(links: LinkSpec[]): void {
  for (const { path, target } of links) {
    mkdirSync(dirname(path), { recursive: true });
    let current: string | undefined;
    try {
      current = readlinkSync(path);
    } catch {
      current = undefined;
    }
    if (current === target) continue;
    symlinkSync(target, `${path}.next`);
    renameSync(`${path}.next`, path);
  }
}

function workerPids(): string[] {
  const master = readFileSync(layout.privateNginxPid, 'utf8').trim();
  return execFileSync('ps', ['-o', 'pid=', '--ppid', master], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).sort();
}

const colorFor = async (cookie: string) =>
  (await fetch(`http://127.0.0.1:${PORT}/api/items`, { headers: { cookie: `switchyard_canary=${cookie}` } })).text();

/** SAMPLES fresh random cookies, 50 at a time, and the colour that answered each. */
async function sample(): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  for (let i = 0; i < SAMPLES; i += 50) {
    const cookies = Array.from({ length: 50 }, (_, j) => `c${i + j}-${Math.random().toString(36).slice(2)}`);
    const colors = await Promise.all(cookies.map(colorFor));
    cookies.forEach((cookie, j) => seen.set(cookie, colors[j]!));
  }
  return seen;
}

const count = (seen: Map<string, string>, color: Color) => [...seen.values()].filter((c) => c === color).length;

let workersAtStart: string[] = [];

beforeAll(async () => {
  writeFiles(renderAll(config, { live: 'blue' }));
  mkdirSync(layout.logDir, { recursive: true });
  await startBackend('blue');
  await startBackend('green');
  pointLinks([
    { path: layout.liveSocket, target: basename(layout.socket('blue')) },
    { path: layout.idleSocket, target: basename(layout.socket('green')) },
    ...bucketLinks(layout, 0),
  ]);
  const started = run(NGINX, nginxArgs);
  expect(started.output).toBe('');
  workersAtStart = workerPids();
  expect(workersAtStart.length).toBeGreaterThan(0);
});

afterAll(async () => {
  run(NGINX, [...nginxArgs, '-s', 'stop']);
  for (const server of backends) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('a socket-mode canary in a running nginx, without a reload', { timeout: 30_000 }, () => {
  let canaryCookies: string[] = [];

  it('sends every client to the live colour while no bucket points elsewhere', async () => {
    const seen = await sample();
    expect(count(seen, 'blue')).toBe(SAMPLES);
  });

  it('sends about 10% of random cookies to the canary colour once 10 buckets point at idle.sock', async () => {
    pointLinks(bucketLinks(layout, 10));
    // Idle pooled connections opened before the rename still lead to blue until nginx drops them.
    await sleep(KEEPALIVE_MS * 3);
    const seen = await sample();
    const green = count(seen, 'green');
    expect(green + count(seen, 'blue')).toBe(SAMPLES);
    // Binomial(1000, 0.1): mean 100, sd 9.5; 60..140 is more than 4 sd either side.
    expect(green).toBeGreaterThanOrEqual(60);
    expect(green).toBeLessThanOrEqual(140);
    canaryCookies = [...seen].filter(([, color]) => color === 'green').map(([cookie]) => cookie);
  });

  it('keeps each cookie on its colour, request after request', async () => {
    const cookies = [...canaryCookies.slice(0, 20), 'steady-1', 'steady-2', 'steady-3'];
    for (const cookie of cookies) {
      const first = await colorFor(cookie);
      for (let i = 0; i < 5; i++) expect(await colorFor(cookie)).toBe(first);
    }
    for (const cookie of canaryCookies.slice(0, 20)) expect(await colorFor(cookie)).toBe('green');
  });

  it('completes the canary with renames alone: live.sock to green, then the buckets back', async () => {
    pointLinks([
      { path: layout.liveSocket, target: basename(layout.socket('green')) },
      { path: layout.idleSocket, target: basename(layout.socket('blue')) },
    ]);
    pointLinks(bucketLinks(layout, 0));
    await sleep(KEEPALIVE_MS * 3);
    const seen = await sample();
    expect(count(seen, 'green')).toBe(SAMPLES);
  });

  it('never reloaded nginx: the same worker processes served every request', () => {
    expect(workerPids()).toEqual(workersAtStart);
  });
});
