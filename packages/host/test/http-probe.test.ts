import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpGet } from '../src/http-probe';
import { freePort, onCleanup, tempDir } from './helpers';

function serve(listen: (server: Server) => void): Server {
  const server = createServer((req, res) => {
    if (req.url === '/slow') return;
    if (req.url === '/trickle') {
      // A byte every 100 ms, never the end: each byte restarts an idle timeout.
      res.writeHead(200);
      const timer = setInterval(() => res.write('.'), 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.setHeader('x-color', 'blue');
    res.end(`${req.url} via ${req.headers.host}`);
  });
  listen(server);
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  onCleanup(() => server.closeAllConnections());
  return server;
}

describe('httpGet', () => {
  it('reaches a colour on a unix socket and nginx on an address, with the Host header given', async () => {
    const socketPath = join(await tempDir(), 'blue.sock');
    const port = await freePort();
    await new Promise<void>((resolve) => serve((s) => s.listen(socketPath, resolve)));
    await new Promise<void>((resolve) => serve((s) => s.listen(port, '127.0.0.1', resolve)));

    const viaSocket = await httpGet({ socketPath }, '/health', { timeoutMs: 2_000 });
    expect(viaSocket).toMatchObject({ reached: true, status: 200, body: '/health via localhost' });
    expect(viaSocket.reached && viaSocket.headers['x-color']).toBe('blue');
    const viaPort = await httpGet({ address: '127.0.0.1', port }, '/', { timeoutMs: 2_000, hostHeader: 'shop.example' });
    expect(viaPort).toMatchObject({ reached: true, status: 200, body: '/ via shop.example' });
  });

  it('returns, never throws, when nothing answers or the answer is late', async () => {
    const dir = await tempDir();
    expect(await httpGet({ socketPath: join(dir, 'none.sock') }, '/', { timeoutMs: 1_000 })).toEqual({ reached: false, error: 'ENOENT' });
    const socketPath = join(dir, 'slow.sock');
    await new Promise<void>((resolve) => serve((s) => s.listen(socketPath, resolve)));
    const started = Date.now();
    const late = await httpGet({ socketPath }, '/slow', { timeoutMs: 200 });
    expect(late).toEqual({ reached: false, error: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('ends by its timeout when the answer trickles in and never completes', async () => {
    const socketPath = join(await tempDir(), 'trickle.sock');
    await new Promise<void>((resolve) => serve((s) => s.listen(socketPath, resolve)));
    const started = Date.now();
    const trickled = await httpGet({ socketPath }, '/trickle', { timeoutMs: 500 });
    const tookMs = Date.now() - started;
    expect(trickled).toMatchObject({ reached: false, error: expect.stringMatching(/^answer not complete within 500 ms \(status 200, \d+ bytes so far\)$/) });
    expect(tookMs).toBeGreaterThanOrEqual(490);
    expect(tookMs).toBeLessThan(1_000);
  });
});
