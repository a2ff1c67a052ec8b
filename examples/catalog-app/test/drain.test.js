import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, request, sleep, startServer, tempDir } from './helpers.js';

afterEach(cleanup);

/**
 * Starts a POST whose body is sent in two halves: the second only when `finish()` is called.
 * @param {{ socketPath?: string, host?: string, port?: number }} target
 */
function slowPost(target) {
  const body = JSON.stringify({ items: [{ productId: 1, quantity: 1 }] });
  const req = httpRequest({
    ...target,
    method: 'POST',
    path: '/api/orders',
    agent: false,
    headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) },
  });
  /** @type {Promise<{ status: number, connection: string | undefined, body: string }>} */
  const response = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
    });
    req.on('error', reject);
  });
  response.catch(() => {}); // awaited by the test; this only keeps a failed test from reporting it twice
  req.flushHeaders();
  req.write(body.slice(0, 10));
  return { response, finish: () => req.end(body.slice(10)) };
}

describe('the drain on SIGTERM', () => {
  it('loses no request under keep-alive GET and POST load, then exits 0', { timeout: 20_000 }, async () => {
    const graceMs = 2000;
    const timeoutMs = 6000;
    const app = await startServer({
      env: { SOCKET_PATH: join(tempDir(), 'blue.sock'), COLOR: 'blue', DRAIN_GRACE_MS: String(graceMs), DRAIN_TIMEOUT_MS: String(timeoutMs), LOG_REQUESTS: '0' },
    });
    const { target } = app;
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const idleAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // A keep-alive connection that is idle when SIGTERM arrives, like one in nginx's pool.
      expect((await request(target, { agent: idleAgent, path: '/health' })).status).toBe(200);
      // A POST whose body is still arriving when the grace ends.
      const slow = slowPost(target);

      /** @type {Array<{ sentAt: number, ok: boolean, status?: number, connection?: string, reused?: boolean, error?: string }>} */
      const results = [];
      let stopAt = Infinity;
      const loop = async (/** @type {number} */ n) => {
        for (let i = 0; Date.now() < stopAt; i++) {
          const sentAt = Date.now();
          const post = (i + n) % 2 === 0;
          try {
            const res = await request(target, {
              agent,
              method: post ? 'POST' : 'GET',
              path: post ? '/api/orders' : '/api/products',
              headers: post ? { 'Content-Type': 'application/json' } : {},
              body: post ? JSON.stringify({ items: [{ productId: 2 }] }) : undefined,
            });
            results.push({ sentAt, ok: res.status === (post ? 201 : 200), status: res.status, connection: res.headers.connection, reused: res.reusedSocket });
          } catch (error) {
            results.push({ sentAt, ok: false, error: String(error) });
          }
        }
      };
      const loops = Promise.all(Array.from({ length: 8 }, (_, n) => loop(n)));

      await sleep(300);
      const sigtermAt = Date.now();
      app.child.kill('SIGTERM');
      const drainSeenAt = (await app.waitFor('drain started')).seenAt;
      stopAt = sigtermAt + graceMs - 500;

      // Just before the grace ends: a request on the connection idle since before SIGTERM, and one
      // on a new connection (the listener is still open).
      await sleep(sigtermAt + graceMs - 450 - Date.now());
      const onIdle = await request(target, { agent: idleAgent, method: 'POST', path: '/api/orders', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      const onNew = await request(target, { path: '/api/products/1' });
      await loops;

      // After the grace: the listener is closed, the slow POST still completes.
      await app.waitFor('drain grace over, closing the listener');
      await expect(request(target, { path: '/health' })).rejects.toThrow(/ENOENT|ECONNREFUSED|ECONNRESET/);
      expect(app.child.exitCode).toBe(null);
      slow.finish();
      const slowResult = await slow.response;
      const exit = await app.exited;

      const failed = results.filter((r) => !r.ok);
      expect(failed).toEqual([]);
      expect(results.length).toBeGreaterThan(100);
      const afterDrain = results.filter((r) => r.sentAt > drainSeenAt);
      expect(afterDrain.length).toBeGreaterThan(20);
      expect(afterDrain.filter((r) => r.connection !== 'close')).toEqual([]);
      expect(results.filter((r) => r.sentAt < sigtermAt && r.connection === 'keep-alive').length).toBeGreaterThan(20);

      expect(onIdle).toMatchObject({ status: 201, reusedSocket: true });
      expect(onIdle.headers.connection).toBe('close');
      expect(onNew.status).toBe(200);
      expect(onNew.headers.connection).toBe('close');
      expect(slowResult).toMatchObject({ status: 201, connection: 'close' });

      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.at - sigtermAt).toBeGreaterThanOrEqual(graceMs);
      expect(exit.at - sigtermAt).toBeLessThan(timeoutMs);
      expect(app.lines.at(-1)).toMatchObject({ msg: 'drain finished', outcome: 'all connections ended', exitCode: 0 });
    } finally {
      agent.destroy();
      idleAgent.destroy();
    }
  });

  it('closes idle keep-alive connections after the grace and exits without waiting for them (on a port, SIGINT)', { timeout: 10_000 }, async () => {
    const app = await startServer({ env: { PORT: '0', DRAIN_GRACE_MS: '300', DRAIN_TIMEOUT_MS: '5000' } });
    const agent = new Agent({ keepAlive: true });
    try {
      await Promise.all([1, 2, 3].map(() => request(app.target, { agent, path: '/health' })));
      const sentAt = Date.now();
      app.child.kill('SIGINT');
      const exit = await app.exited;
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.at - sentAt).toBeGreaterThanOrEqual(300);
      expect(exit.at - sentAt).toBeLessThan(2500);
      expect(app.lines.find((l) => l.msg === 'drain started')).toMatchObject({ signal: 'SIGINT', connections: 3 });
    } finally {
      agent.destroy();
    }
  });

  it('exits at once when no connection is left, as when Switchyard sends SIGTERM', { timeout: 10_000 }, async () => {
    const app = await startServer({ env: { SOCKET_PATH: join(tempDir(), 'n.sock'), DRAIN_GRACE_MS: '2000', DRAIN_TIMEOUT_MS: '5000' } });
    await request(app.target, { path: '/health' });
    await sleep(50);
    const sentAt = Date.now();
    app.child.kill('SIGTERM');
    const exit = await app.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sentAt).toBeLessThan(1000);
    expect(app.lines.at(-1)).toMatchObject({ msg: 'drain finished', outcome: 'no connections' });
  });

  it('destroys what is left at DRAIN_TIMEOUT_MS and exits 0', { timeout: 10_000 }, async () => {
    const app = await startServer({ env: { SOCKET_PATH: join(tempDir(), 'g.sock'), DRAIN_GRACE_MS: '200', DRAIN_TIMEOUT_MS: '1200' } });
    const stuck = slowPost(app.target); // never finished
    const outcome = stuck.response.then(
      () => 'answered',
      (error) => String(error),
    );
    await sleep(100);
    const sentAt = Date.now();
    app.child.kill('SIGTERM');
    app.child.kill('SIGTERM'); // a second signal changes nothing
    const exit = await app.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sentAt).toBeGreaterThanOrEqual(1150);
    expect(exit.at - sentAt).toBeLessThan(3000);
    expect(await outcome).toMatch(/socket hang up|ECONNRESET/);
    expect(app.lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['drain timeout, destroying remaining connections', 'drain finished']),
    );
    expect(app.lines.at(-1)).toMatchObject({ outcome: 'timeout', exitCode: 0 });
  });
});
