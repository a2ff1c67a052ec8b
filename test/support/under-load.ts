import { failedRequests, type LoadResult, startLoad } from '@switchyard/demo';
import type { DeployProject } from './deploy-project';

/** What an app answers under load: a cheap GET, and a POST with a JSON body. */
export interface LoadPaths {
  get: string;
  post: string;
  postBody: string;
}

export interface OperationsResult {
  get: LoadResult;
  post: LoadResult;
  /** Each command's name and output, in order. */
  operations: { name: string; output: string }[];
}

const CONNECTIONS = 32;

/**
 * Deploys `source` `deploys` times and switches `switches` times while wrk sends GETs and POSTs on
 * 32 connections each through the project's nginx (127.0.0.1 only, bounded by maxDurationSec).
 * Every second deploy uses --no-switch and is followed by two warm switches, so the run covers
 * both ways an old colour goes: drained and stopped by a deploy, or drained before a deploy
 * restarts it. Throws, with the command's output, as soon as one fails.
 */
export async function operationsUnderLoad(
  project: DeployProject,
  source: string,
  paths: LoadPaths,
  counts = { deploys: 10, switches: 10 },
  maxDurationSec = 240,
): Promise<OperationsResult> {
  const url = (path: string) => `http://127.0.0.1:${project.port}${path}`;
  const common = { connections: CONNECTIONS, threads: 1, maxDurationSec };
  const get = startLoad({ ...common, url: url(paths.get), method: 'GET' });
  const post = startLoad({ ...common, url: url(paths.post), method: 'POST', body: paths.postBody });
  const operations: OperationsResult['operations'] = [];
  const run = async (name: string, command: () => Promise<{ code: number; stdout: string; stderr: string }>) => {
    const result = await command();
    operations.push({ name, output: result.stdout + result.stderr });
    if (result.code !== 0) throw new Error(`${name} exited with ${result.code}:\n${result.stdout}${result.stderr}`);
  };
  try {
    let switches = 0;
    for (let i = 0; i < counts.deploys; i++) {
      const warm = i % 2 === 1 && switches < counts.switches;
      await run(`deploy ${i + 1}${warm ? ' --no-switch' : ''}`, () => project.deploy(source, warm ? ['--no-switch'] : []));
      for (let s = 0; warm && s < 2 && switches < counts.switches; s++) {
        switches++;
        await run(`switch ${switches}`, () => project.run('switch.ts'));
      }
    }
    while (switches < counts.switches) {
      switches++;
      await run(`switch ${switches}`, () => project.run('switch.ts'));
    }
  } finally {
    // Both runs end whatever happened, so no wrk outlives the test.
    await Promise.allSettled([get.stop(), post.stop()]);
  }
  return { get: await get.finished, post: await post.finished, operations };
}

/** "GET 41,230 requests, 0 failed (non-2xx 0, connect/read/write/timeout 0/0/0/0)". */
export function describeLoad(method: string, r: LoadResult): string {
  const e = r.socketErrors;
  return `${method} ${r.requests} requests, ${failedRequests(r)} failed (non-2xx ${r.non2xx}, connect/read/write/timeout ${e.connect}/${e.read}/${e.write}/${e.timeout})`;
}
