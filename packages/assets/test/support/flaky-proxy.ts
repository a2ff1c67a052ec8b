import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export interface FlakyProxy {
  endpoint: string;
  /** Requests answered with the failure instead of being passed on. */
  failed: number;
}

/**
 * A front for a real S3 endpoint that answers the first `failures` PUT requests with
 * `503 SlowDown` (what S3 says when throttling) and passes everything else on. Closed when the test
 * finishes.
 */
export async function flakyProxy(target: string, failures: number): Promise<FlakyProxy> {
  const upstream = new URL(target);
  const proxy: FlakyProxy = { endpoint: '', failed: 0 };
  const server = createServer((incoming, outgoing) => {
    if (incoming.method === 'PUT' && proxy.failed < failures) {
      proxy.failed += 1;
      incoming.resume();
      outgoing.writeHead(503, { 'content-type': 'application/xml' });
      outgoing.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      return;
    }
    const forward = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forward.on('error', (error) => outgoing.destroy(error));
    incoming.pipe(forward);
  });
  // Port 0: the kernel picks a free one, so this cannot take a port another test's range counts on.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
