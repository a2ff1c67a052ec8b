import { Worker } from 'node:worker_threads';

export interface ProbeSample {
  /** When the request was sent, epoch ms (performance.timeOrigin + performance.now(), as now() below). */
  at: number;
  latencyMs: number;
  ok: boolean;
}

export interface ProbeOptions {
  port: number;
  path: string;
  /** Requests per second, sent one after the other on one keep-alive connection. */
  ratePerSec: number;
  /** Upper bound; stop() ends it earlier. */
  maxDurationMs: number;
}

export interface RunningProbe {
  stop(): Promise<ProbeSample[]>;
}

/** Epoch milliseconds with sub-millisecond precision, comparable across threads. */
export const now = () => performance.timeOrigin + performance.now();

// Runs in its own thread, so that the deploy commands running in the main thread (and their
// synchronous file work) cannot delay a probe request or its timing.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, path, ratePerSec, maxDurationMs } = workerData;
const now = () => performance.timeOrigin + performance.now();
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let running = true;
parentPort.on('message', () => { running = false; });
const samples = [];
const once = () => new Promise((resolve) => {
  const started = now();
  const done = (ok) => resolve([started, now() - started, ok ? 1 : 0]);
  const req = http.request({ host: '127.0.0.1', port, path, agent, headers: { Host: 'localhost' }, timeout: 5000 }, (res) => {
    res.on('data', () => {});
    res.on('end', () => done(res.statusCode >= 200 && res.statusCode < 300));
    res.on('error', () => done(false));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => done(false));
  req.end();
});
(async () => {
  const interval = 1000 / ratePerSec;
  const end = now() + maxDurationMs;
  let next = now();
  while (running && now() < end) {
    const wait = next - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    samples.push(...(await once()));
    next += interval;
    if (now() - next > interval) next = now();
  }
  agent.destroy();
  const out = Float64Array.from(samples);
  parentPort.postMessage(out, [out.buffer]);
})();
`;

/** A light latency probe beside the load: sequential keep-alive GETs through nginx at a steady rate. */
export function startProbe(options: ProbeOptions): RunningProbe {
  const worker = new Worker(WORKER, { eval: true, workerData: options });
  const result = new Promise<ProbeSample[]>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (data: Float64Array) => {
      const samples: ProbeSample[] = [];
      for (let i = 0; i + 2 < data.length; i += 3) samples.push({ at: data[i]!, latencyMs: data[i + 1]!, ok: data[i + 2] === 1 });
      resolve(samples);
      void worker.terminate();
    });
  });
  return {
    stop: () => {
      worker.postMessage('stop');
      return result;
    },
  };
}
