import { chmodSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketLinks, type Color, renderAll, serverLayout } from '../src/index';
import { configFrom, run, tempDir, writeFiles } from './support';

/*
 * The rendered site in a running private nginx, in front of two tiny backends on unix sockets:
 * routing, the colour route, staging protection (allow-list and the {SSHA} htpasswd), cache
 * headers, the maintenance page, the retry on the backup, and a switch by symlink alone.
 */

const NGINX = '/usr/sbin/nginx';
const PORT = 20_500;

const dir = tempDir('serve');
// mkdtemp makes it 0700; as root, nginx's "nobody" workers must reach the sockets and files.
chmodSync(dir, 0o755);
const config = configFrom({
  server: { type: 'local', root: dir },
  nginx: {
    listen: { address: '127.0.0.1', port: PORT },
    staging: { header: 'X-Staging', allow: ['127.0.0.1'], basicAuth: { user: 'team', passwordSecret: 'STAGING_PASSWORD' } },
  },
  secrets: ['STAGING_PASSWORD'],
  modules: ['api'],
  assets: { type: 'local', directory: join(dir, 'assets') },
});
const layout = serverLayout(config);
const backends = new Map<Color, Server>();
const draining = new Set<Color>();

async function startBackend(color: Color): Promise<void> {
  const server = createServer((request, response) => {
    // A draining colour still answers, with Connection: close: after a switch an nginx worker may
    // send one more request on its pooled connection to the old colour, and the close ends that pool.
    if (draining.has(color)) response.setHeader('Connection', 'close');
    response.end(`${color} ${request.url} ${request.headers['x-request-id']}`);
  });
  await new Promise<void>((resolve) => server.listen(layout.socket(color), resolve));
  // As root, nginx's workers run as "nobody" and need to connect.
  chmodSync(layout.socket(color), 0o666);
  backends.set(color, server);
}

async function stopBackend(color: Color): Promise<void> {
  const server = backends.get(color);
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  backends.delete(color);
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${PORT}${path}`, { headers });

beforeAll(async () => {
  writeFiles(renderAll(config, { live: 'blue' }));
  mkdirSync(layout.logDir, { recursive: true });
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'assets', 'app.0123456789abcdef.css'), 'body{}');
  writeFileSync(join(dir, 'assets', 'robots.txt'), 'ok');
  await startBackend('blue');
  await startBackend('green');
  symlinkSync(layout.socket('blue'), layout.liveSocket);
  symlinkSync(layout.socket('green'), layout.idleSocket);
  // Traffic reaches live.sock through the canary buckets' links (as the deploy's write-files makes them).
  mkdirSync(layout.bucketsDir, { recursive: true });
  for (const link of bucketLinks(layout, 0)) symlinkSync(link.target, link.path);
  const started = run(NGINX, ['-e', layout.nginxErrorLog, '-p', layout.nginxDir, '-c', layout.privateNginxConf]);
  expect(started.output).toBe('');
});

afterAll(async () => {
  run(NGINX, ['-e', layout.nginxErrorLog, '-p', layout.nginxDir, '-c', layout.privateNginxConf, '-s', 'stop']);
  for (const color of [...backends.keys()]) await stopBackend(color);
});

describe('the rendered site in a running nginx', () => {
  it('routes enabled modules to the live colour and passes X-Request-ID on', async () => {
    const response = await get('/api/items', { 'X-Request-ID': 'req-42' });
    expect(await response.text()).toBe('blue /api/items req-42');
  });

  it('generates a request id when the client sends none', async () => {
    expect(await (await get('/api/x')).text()).toMatch(/^blue \/api\/x [0-9a-f]{32}$/);
  });

  it('answers 404 for paths no enabled module covers, but passes health paths', async () => {
    expect((await get('/admin/')).status).toBe(404);
    expect(await (await get('/health')).text()).toMatch(/^blue \/health /);
  });

  it('serves the live colour file', async () => {
    const response = await get('/__switchyard/color');
    expect(await response.text()).toBe('blue\n');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('caches fingerprinted assets for good and revalidates the rest', async () => {
    expect((await get('/assets/app.0123456789abcdef.css')).headers.get('cache-control')).toContain('immutable');
    expect((await get('/assets/robots.txt')).headers.get('cache-control')).toBe('no-cache');
  });

  // The password itself is checked where the deploy writes htpasswd for nginx's real workers
  // (test/staging-auth.test.ts): here it is written as root's, as the renderer alone leaves it.
  it('asks for the password on the staging header', async () => {
    expect((await get('/api/x', { 'X-Staging': '1' })).status).toBe(401);
  });

  it('switches by renaming symlinks, without a reload', async () => {
    for (const [link, color] of [[layout.liveSocket, 'green'], [layout.idleSocket, 'blue']] as const) {
      symlinkSync(layout.socket(color), `${link}.next`);
      renameSync(`${link}.next`, link);
    }
    // Each nginx worker may reuse its pooled connection to blue once more; blue's drain closes it.
    draining.add('blue');
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) answers.push((await (await get('/api/after-switch')).text()).split(' ')[0]!);
    expect(answers.at(-1)).toBe('green');
    expect(answers.every((color) => color === 'blue' || color === 'green')).toBe(true);
  });

  it('retries on the backup when the live colour is gone, and shows the maintenance page when both are', async () => {
    await stopBackend('green');
    expect(await (await get('/api/retry')).text()).toMatch(/^blue /);
    await stopBackend('blue');
    const response = await get('/api/down');
    expect(response.status).toBe(502);
    expect(await response.text()).toContain('Back in a moment');
  });
});
