import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
/** @type {string[]} */
const tempDirs = [];

/** A private temp dir, removed by cleanup(). Short, so that socket paths stay under 108 bytes. */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  tempDirs.push(dir);
  return dir;
}

/** Kills whatever a test left running and removes its temp dirs. */
export function cleanup() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts `node <script>` from `dir` and collects its JSON log lines.
 *
 * @param {{ env?: Record<string, string>, dir?: string, script?: string }} [options]
 */
export function start({ env = {}, dir = appDir, script = 'server.js' } = {}) {
  const child = spawn(process.execPath, [script], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  /** @type {any[]} */
  const lines = [];
  let stderr = '';
  /** @type {Array<() => void>} */
  const waiters = [];
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      try {
        lines.push({ ...JSON.parse(line), seenAt: Date.now() });
      } catch {
        lines.push({ msg: 'unparsed', text: line, seenAt: Date.now() });
      }
      for (const wake of waiters.splice(0)) wake();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));

  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null, at: number }>} */
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal, at: Date.now() });
      for (const wake of waiters.splice(0)) wake();
    });
  });

  /** Waits for a log line whose msg is `msg`. @param {string} msg @param {number} [timeoutMs] */
  async function waitFor(msg, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = lines.find((l) => l.msg === msg);
      if (line) return line;
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`process exited before logging "${msg}": ${JSON.stringify(lines)} ${stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${msg}" line within ${timeoutMs} ms: ${JSON.stringify(lines)} ${stderr}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
  }

  return { child, lines, exited, waitFor, stderr: () => stderr };
}

/** Starts the server and waits until it listens; `target` is what `request` needs to reach it. */
export async function startServer(/** @type {Parameters<typeof start>[0]} */ options) {
  const app = start(options);
  const listening = await app.waitFor('listening');
  const target = listening.socket ? { socketPath: listening.socket } : { host: '127.0.0.1', port: listening.port };
  return { ...app, listening, target };
}

/**
 * One HTTP request. Resolves with the status, headers and body; rejects on a socket error.
 *
 * @param {{ socketPath?: string, host?: string, port?: number }} target
 * @param {{ method?: string, path?: string, headers?: Record<string, string>, body?: string, agent?: import('node:http').Agent | false, timeoutMs?: number }} [options]
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: string, reusedSocket: boolean }>}
 */
export function request(target, { method = 'GET', path = '/', headers = {}, body, agent = false, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ ...target, method, path, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, reusedSocket: req.reusedSocket }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
