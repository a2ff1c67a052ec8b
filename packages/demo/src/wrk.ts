import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wrkScript, type WrkScriptOptions } from './wrk-script';

export interface LoadOptions extends WrkScriptOptions {
  /** Only loopback targets: load is never sent off this machine. */
  url: string;
  connections: number;
  threads: number;
  /** Upper bound; stop() ends the run earlier. */
  maxDurationSec: number;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  colors: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
}

export interface RunningLoad {
  /** Ends the run (SIGINT: wrk then reports what it measured) and gives its figures. */
  stop(): Promise<LoadResult>;
  finished: Promise<LoadResult>;
}

const LOOPBACK = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//;

export function parseWrkOutput(stdout: string): LoadResult {
  const line = stdout.split('\n').find((l) => l.startsWith('SWITCHYARD_WRK '));
  if (!line) throw new Error(`wrk printed no result:\n${stdout.slice(-2000)}`);
  const raw = JSON.parse(line.slice('SWITCHYARD_WRK '.length)) as Record<string, number> & { colors: Record<string, number> };
  return {
    requests: raw.requests!,
    durationSec: raw.durationUs! / 1e6,
    non2xx: raw.non2xx!,
    socketErrors: { connect: raw.connect!, read: raw.read!, write: raw.write!, timeout: raw.timeout! },
    colors: raw.colors,
    latencyMs: { p50: raw.p50Us! / 1000, p99: raw.p99Us! / 1000, max: raw.maxUs! / 1000 },
  };
}

/**
 * Requests that got no good answer, read errors included: those are keep-alive connections cut
 * by exiting nginx workers, and with sockets nothing in the demo reloads nginx (the canary too
 * only renames links), so there must be none.
 */
export const failedRequests = (r: LoadResult) =>
  r.non2xx + r.socketErrors.connect + r.socketErrors.read + r.socketErrors.write + r.socketErrors.timeout;

/** Starts wrk against a loopback URL; it stops by itself after maxDurationSec at the latest. */
export function startLoad(options: LoadOptions): RunningLoad {
  if (!LOOPBACK.test(options.url)) throw new Error(`load is only ever sent to loopback addresses, not ${options.url}`);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-wrk-'));
  const script = join(dir, 'count.lua');
  writeFileSync(script, wrkScript(options));
  const child = spawn(
    'wrk',
    ['-t', String(options.threads), '-c', String(options.connections), '-d', `${options.maxDurationSec}s`, '--timeout', '5s', '-s', script, options.url],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<LoadResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      rmSync(dir, { recursive: true, force: true });
      try {
        resolve(parseWrkOutput(stdout));
      } catch (error) {
        reject(new Error(`${(error as Error).message}\n${stderr}`));
      }
    });
  });
  return {
    finished,
    stop: () => {
      child.kill('SIGINT');
      return finished;
    },
  };
}
