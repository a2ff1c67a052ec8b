import { lstatSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, request, start, startServer, tempDir } from './helpers.js';

afterEach(cleanup);

describe.each([
  ['a TCP port', () => ({ PORT: '0' })],
  ['a unix socket', () => ({ SOCKET_PATH: join(tempDir(), 'blue.sock') })],
])('the catalog app on %s', (_name, where) => {
  it('answers its endpoints with version, colour and request id headers', { timeout: 10_000 }, async () => {
    const { target } = await startServer({ env: { ...where(), COLOR: 'blue' } });

    const list = await request(target, { path: '/api/products', headers: { 'X-Request-ID': 'req-123' } });
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toMatch(/^application\/json/);
    expect(list.headers['x-app-version']).toBe('1.0.0');
    expect(list.headers['x-app-color']).toBe('blue');
    expect(list.headers['x-request-id']).toBe('req-123');
    const products = JSON.parse(list.body);
    expect(products.length).toBeGreaterThan(3);

    const one = await request(target, { path: `/api/products/${products[1].id}` });
    expect(JSON.parse(one.body)).toEqual(products[1]);
    expect(one.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await request(target, { path: '/api/products/999' })).status).toBe(404);
    expect((await request(target, { path: '/api/products/abc' })).status).toBe(404);

    const order = await request(target, {
      method: 'POST',
      path: '/api/orders',
      headers: { 'Content-Type': 'application/json', 'X-Request-ID': 'order-1' },
      body: JSON.stringify({ items: [{ productId: products[0].id, quantity: 2 }] }),
    });
    expect(order.status).toBe(201);
    const created = JSON.parse(order.body);
    expect(created).toMatchObject({ items: 1, total: products[0].price * 2, requestId: 'order-1' });
    expect(order.headers.location).toBe(`/api/orders/${created.id}`);
    expect((await request(target, { method: 'POST', path: '/api/orders' })).status).toBe(201);
    const invalid = await request(target, { method: 'POST', path: '/api/orders', headers: { 'Content-Type': 'application/json' }, body: '{nope' });
    expect(invalid.status).toBe(400);
    const huge = await request(target, { method: 'POST', path: '/api/orders', body: JSON.stringify({ note: 'x'.repeat(70_000) }) });
    expect([huge.status, huge.headers.connection]).toEqual([413, 'close']);
    expect((await request(target, { method: 'POST', path: '/api/orders', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '{}' })).status).toBe(201);
    expect((await request(target, { method: 'DELETE', path: '/api/orders' })).status).toBe(405);
    expect((await request(target, { method: 'POST', path: '/api/products' })).headers.allow).toBe('GET, HEAD');

    const page = await request(target, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<link rel="stylesheet" href="/assets/app.css">');
    expect(page.body).toContain(products[0].name);
    expect((await request(target, { path: '/admin/' })).body).toContain('Admin');
    expect((await request(target, { path: '/admin' })).headers.location).toBe('/admin/');

    const css = await request(target, { path: '/assets/app.css' });
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['x-app-version']).toBe('1.0.0');
    expect((await request(target, { path: '/assets/../package.json' })).status).toBe(404);
    expect((await request(target, { path: '/assets/%2e%2e/package.json' })).status).toBe(404);
    const head = await request(target, { method: 'HEAD', path: '/assets/app.css' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');

    const health = await request(target, { path: '/health' });
    expect([health.status, health.body]).toEqual([200, 'ok']);
    for (const path of ['/health/db', '/health/cache']) {
      const check = await request(target, { path });
      expect(check.status).toBe(200);
      expect(JSON.parse(check.body)).toMatchObject({ status: 'ok' });
      expect(check.headers['x-app-color']).toBe('blue');
    }
    const missing = await request(target, { path: '/nope' });
    expect(missing.status).toBe(404);
    expect(missing.headers['x-app-version']).toBe('1.0.0');
  });
});

describe('start-up', () => {
  it('logs one JSON line per request, with its request id', { timeout: 10_000 }, async () => {
    const app = await startServer({ env: { PORT: '0', COLOR: 'green' } });
    expect(app.listening).toMatchObject({ host: '127.0.0.1', version: '1.0.0', color: 'green' });
    await request(app.target, { path: '/health', headers: { 'X-Request-ID': 'log-me' } });
    const line = await app.waitFor('request');
    expect(line).toMatchObject({ requestId: 'log-me', method: 'GET', path: '/health', status: 200 });
    expect(typeof line.ms).toBe('number');
  });

  it('names its stylesheet by the URL in ASSETS_MANIFEST, else by its own /assets/ route', { timeout: 10_000 }, async () => {
    const manifest = join(tempDir(), 'assets-manifest.json');
    const published = '/assets/app.0123456789ab.css';
    writeFileSync(manifest, JSON.stringify({ version: 1, release: 'r1', baseUrl: '/assets/', assets: { 'app.css': published } }));
    const deployed = await startServer({ env: { PORT: '0', ASSETS_MANIFEST: manifest } });
    expect((await request(deployed.target, { path: '/' })).body).toContain(`<link rel="stylesheet" href="${published}">`);
    const alone = await startServer({ env: { PORT: '0' } });
    expect((await request(alone.target, { path: '/' })).body).toContain('<link rel="stylesheet" href="/assets/app.css">');
  });

  it('makes its socket 0666 and replaces a stale one', { timeout: 10_000 }, async () => {
    const socket = join(tempDir(), 's.sock');
    const first = await startServer({ env: { SOCKET_PATH: socket } });
    expect(lstatSync(socket).mode & 0o777).toBe(0o666);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(lstatSync(socket).isSocket()).toBe(true); // left behind

    const second = await startServer({ env: { SOCKET_PATH: socket } });
    expect((await request(second.target, { path: '/health' })).status).toBe(200);
    expect(lstatSync(socket).mode & 0o777).toBe(0o666);
  });

  it('refuses a socket another process listens on, a symlink, and a regular file', { timeout: 10_000 }, async () => {
    const dir = tempDir();
    const socket = join(dir, 'blue.sock');
    const live = await startServer({ env: { SOCKET_PATH: socket } });

    const second = start({ env: { SOCKET_PATH: socket } });
    expect((await second.exited).code).toBe(1);
    expect(second.lines.find((l) => l.msg === 'cannot listen')?.error).toMatch(/in use/);
    expect((await request(live.target, { path: '/health' })).status).toBe(200);

    symlinkSync(socket, join(dir, 'live.sock'));
    const viaSymlink = start({ env: { SOCKET_PATH: join(dir, 'live.sock') } });
    expect((await viaSymlink.exited).code).toBe(1);
    expect(viaSymlink.lines.find((l) => l.msg === 'cannot listen')?.error).toMatch(/symlink/);
    expect(existsSync(join(dir, 'live.sock'))).toBe(true);

    writeFileSync(join(dir, 'file'), 'x');
    const onFile = start({ env: { SOCKET_PATH: join(dir, 'file') } });
    expect((await onFile.exited).code).toBe(1);
  });

  it('exits 2 naming every bad setting', { timeout: 10_000 }, async () => {
    const app = start({ env: { PORT: 'eighty', DRAIN_GRACE_MS: '-1', COLOR: 'Blue!' } });
    expect((await app.exited).code).toBe(2);
    const errors = app.lines.filter((l) => l.msg === 'bad setting').map((l) => l.error);
    expect(errors).toEqual([
      expect.stringMatching(/^PORT:/),
      expect.stringMatching(/^DRAIN_GRACE_MS:/),
      expect.stringMatching(/^COLOR:/),
    ]);
  });

  it('exits 2 for a catalog store it does not know, and for postgres without DATABASE_URL', { timeout: 10_000 }, async () => {
    const unknown = start({ env: { PORT: '0', CATALOG_STORE: 'mysql' } });
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.lines.filter((l) => l.msg === 'bad setting').map((l) => l.error)).toEqual([expect.stringMatching(/^CATALOG_STORE: expected "memory" or "postgres"/)]);
    const noUrl = start({ env: { PORT: '0', CATALOG_STORE: 'postgres' } });
    expect((await noUrl.exited).code).toBe(2);
    expect(noUrl.lines.filter((l) => l.msg === 'bad setting').map((l) => l.error)).toEqual([expect.stringMatching(/^CATALOG_STORE=postgres: expected DATABASE_URL/)]);
  });
});
