import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The part of s3rver (which ships no types) that startTestS3 uses. */
interface S3rver {
  /** Creates the configured buckets in the store. */
  configureBuckets(): Promise<void>;
  /** The Koa request handler, for a server of one's own (s3rver's run() never settles when its port is taken). */
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
}
type S3rverClass = new (options: { directory: string; silent: boolean; configureBuckets: { name: string }[] }) => S3rver;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

export interface TestS3 {
  /** http://127.0.0.1:<port>: use it with path-style requests (forcePathStyle). */
  endpoint: string;
  port: number;
  /** A bucket that exists from the start. */
  bucket: string;
  region: string;
  /** s3rver's one account. Another access key id is refused (InvalidAccessKeyId); the secret is not checked (s3rver does not verify SigV4 signatures). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Stops the server and removes its files. Idempotent. */
  stop(): Promise<void>;
}

const PORTS = { first: 19400, count: 100 };

function listen(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error));
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve(true);
    });
  });
}

/**
 * An S3-compatible server of its own: s3rver (from npm) in this process, storing into a fresh
 * temporary directory, on 127.0.0.1 and a free port in 19400–19499, with one bucket. Clients of
 * @aws-sdk/client-s3 v3 must set `requestChecksumCalculation` and `responseChecksumValidation` to
 * `'WHEN_REQUIRED'`, or s3rver stores the aws-chunked framing of uploads as part of the objects.
 */
export async function startTestS3(bucket = 'assets'): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-s3-'));
  const s3rver = new S3rver({ directory: dir, silent: true, configureBuckets: [{ name: bucket }] });
  const server = createServer(s3rver.callback());
  let listening = false;
  const stop = async () => {
    if (listening) {
      listening = false;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await s3rver.configureBuckets();
    const offset = randomInt(PORTS.count);
    for (let attempt = 0; attempt < PORTS.count; attempt++) {
      const port = PORTS.first + ((offset + attempt) % PORTS.count);
      if (!(await listen(server, port))) continue;
      listening = true;
      return { endpoint: `http://127.0.0.1:${port}`, port, bucket, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, stop };
    }
    throw new Error(`no free port in ${PORTS.first}–${PORTS.first + PORTS.count - 1} for the test S3 server`);
  } catch (error) {
    await stop();
    throw error;
  }
}
