import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface TestS3 {
  /** http://127.0.0.1:<port>: use it with path-style requests (forcePathStyle). */
  endpoint: string;
  port: number;
  /** A bucket that exists from the start (the first one named, when there are several). */
  bucket: string;
  region: string;
  /** s3rver's one account. Another access key id is refused (InvalidAccessKeyId); the secret is not checked (s3rver does not verify SigV4 signatures). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Where s3rver keeps the objects: each one a file whose mtime is its LastModified (a test ages objects there). */
  dataDir: string;
  /** Stops the server and removes its files. Idempotent. */
  stop(): Promise<void>;
}

const PORTS = { first: 19400, count: 100 };
const SERVER = fileURLToPath(new URL('./s3-server.mjs', import.meta.url));
const IN_USE = 98;

/** Resolves with the child once it prints "listening", with its exit code if it exits first. */
function started(child: ChildProcess): Promise<{ listening: true } | { listening: false; code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    createInterface({ input: child.stdout! }).once('line', (line) => line === 'listening' && resolve({ listening: true }));
    child.once('exit', (code) => resolve({ listening: false, code, stderr }));
  });
}

/**
 * An S3-compatible server of its own: s3rver (from npm) in a child process, storing into a fresh
 * temporary directory, on 127.0.0.1 and a free port in 19400–19499, with the buckets named (a
 * benchmark gives each tool it compares one of its own on the same server). Its own
 * process, so a benchmark's publisher does not share a CPU's event loop with the server, and with
 * `--openssl-legacy-provider`: s3rver encrypts ListObjectsV2 continuation tokens with DES, which
 * OpenSSL 3 only has there; without it every listing of more than 1,000 keys fails with
 * InternalError. Clients of @aws-sdk/client-s3 v3 must set `requestChecksumCalculation` and
 * `responseChecksumValidation` to `'WHEN_REQUIRED'`, or s3rver stores the aws-chunked framing of
 * uploads as part of the objects.
 */
export async function startTestS3(bucket = 'assets', ...others: string[]): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-s3-'));
  let child: ChildProcess | undefined;
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const offset = randomInt(PORTS.count);
    for (let attempt = 0; attempt < PORTS.count; attempt++) {
      const port = PORTS.first + ((offset + attempt) % PORTS.count);
      // stdin stays open as a lifeline: the server exits when this process does.
      child = spawn(process.execPath, ['--openssl-legacy-provider', SERVER, String(port), join(dir, 'data'), bucket, ...others], { stdio: ['pipe', 'pipe', 'pipe'] });
      const outcome = await started(child);
      if (outcome.listening) {
        return { endpoint: `http://127.0.0.1:${port}`, port, bucket, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, dataDir: join(dir, 'data'), stop };
      }
      if (outcome.code !== IN_USE) throw new Error(`the test S3 server exited (${outcome.code ?? 'killed'}): ${outcome.stderr.trim()}`);
    }
    throw new Error(`no free port in ${PORTS.first}–${PORTS.first + PORTS.count - 1} for the test S3 server`);
  } catch (error) {
    await stop();
    throw error;
  }
}
