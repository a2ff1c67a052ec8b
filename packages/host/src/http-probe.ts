import { request } from 'node:http';

/** Where a probe connects: a colour's unix socket, or an address and port (a colour, or nginx). */
export type ProbeTarget = { socketPath: string } | { address: string; port: number };

export interface ProbeOptions {
  /** For the whole probe, connect to last byte: a health endpoint that trickles its answer cannot hold a gate past its deadline. */
  timeoutMs: number;
  /** Host header, for nginx's server_name matching. */
  hostHeader?: string;
  headers?: Record<string, string>;
}

export type ProbeResult =
  | { reached: true; status: number; body: string; headers: Record<string, string | string[] | undefined> }
  | { reached: false; error: string };

const MAX_BODY = 64 * 1024;

/**
 * A TLS option, unused over plain http (so not in its option types). Left unset, the agent works it
 * out from the host header with net.isIP, whose first call compiles Node's IPv6 pattern: ~8 ms of
 * CPU in a switch whose own work is ~60 ms.
 */
const NO_TLS_SERVER_NAME = { servername: '' };

/** One GET, bounded in time and body size; never throws: an unreachable target is a result. */
export function httpGet(target: ProbeTarget, path: string, options: ProbeOptions): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const where = 'socketPath' in target ? { socketPath: target.socketPath } : { host: target.address, port: target.port };
    let status: number | undefined;
    let body = '';
    const req = request(
      {
        ...where,
        path,
        method: 'GET',
        agent: false,
        ...NO_TLS_SERVER_NAME,
        headers: { host: options.hostHeader ?? 'localhost', connection: 'close', ...options.headers },
      },
      (res) => {
        status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk;
        });
        res.on('end', () => {
          clearTimeout(deadline);
          resolve({ reached: true, status: res.statusCode ?? 0, body, headers: res.headers });
        });
        res.on('error', (error) => {
          clearTimeout(deadline);
          resolve({ reached: false, error: error.message });
        });
      },
    );
    // Not the socket's idle timeout, which every trickled byte restarts.
    const deadline = setTimeout(() => {
      resolve({
        reached: false,
        error:
          status === undefined
            ? `no answer within ${options.timeoutMs} ms`
            : `answer not complete within ${options.timeoutMs} ms (status ${status}, ${Buffer.byteLength(body)} bytes so far)`,
      });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      resolve({ reached: false, error: error.code ?? error.message });
    });
    req.end();
  });
}
