import { request } from 'node:http';

/** Where a probe connects: a colour's unix socket, or an address and port (a colour, or nginx). */
export type ProbeTarget = { socketPath: string } | { address: string; port: number };

export interface ProbeOptions {
  timeoutMs: number;
  /** Host header, for nginx's server_name matching. */
  hostHeader?: string;
  headers?: Record<string, string>;
}

export type ProbeResult =
  | { reached: true; status: number; body: string; headers: Record<string, string | string[] | undefined> }
  | { reached: false; error: string };

const MAX_BODY = 64 * 1024;

/** One GET, bounded in time and body size; never throws: an unreachable target is a result. */
export function httpGet(target: ProbeTarget, path: string, options: ProbeOptions): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const where = 'socketPath' in target ? { socketPath: target.socketPath } : { host: target.address, port: target.port };
    const req = request(
      {
        ...where,
        path,
        method: 'GET',
        agent: false,
        timeout: options.timeoutMs,
        headers: { host: options.hostHeader ?? 'localhost', connection: 'close', ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk;
        });
        res.on('end', () => resolve({ reached: true, status: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', (error) => resolve({ reached: false, error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ reached: false, error: error.code ?? error.message }));
    req.end();
  });
}
