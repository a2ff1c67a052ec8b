import { setTimeout as sleep } from 'node:timers/promises';
import { type LoadResult, startLoad } from '@switchyard/demo';
import type { AppProject } from './app-project';
import { onCleanup } from './cleanup';

/** What an app answers under load: a cheap GET, and a POST with a JSON body. */
export interface LoadPaths {
  get: string;
  post: string;
  postBody: string;
}

export interface CommandRun {
  /** "deploy 3", "deploy 4 --no-switch", "switch 2". */
  name: string;
  kind: 'deploy' | 'deploy --no-switch' | 'switch';
  ms: number;
  code: number | null;
  output: string;
}

export interface Drain {
  color: string;
  seconds: number;
  /** Connections nginx still held when the wait hit nginx.drainMs; 0 when it ended by itself. */
  left: number;
}

export interface OperationsRun {
  get: LoadResult;
  post: LoadResult;
  commands: CommandRun[];
  /** The commands' count planned; fewer ran when one failed. */
  planned: number;
  /** The first command that exited non-zero, if one did (the run stops there). */
  failed?: CommandRun;
  /** wrk stopped by its own -d bound before the commands were done. */
  loadEndedEarly: boolean;
}

export const CONNECTIONS = 32;

/**
 * The deploys' drain notes: "nginx had no connection left to blue after 1.04 s", or "blue still
 * had 3 connection(s) after 5.00 s (nginx.drainMs); stopping it anyway".
 */
export function drainsIn(output: string): Drain[] {
  const drains: Drain[] = [];
  for (const line of output.split('\n')) {
    const clean = /nginx had no connection left to (\w+) after ([\d.]+) s/.exec(line);
    if (clean) drains.push({ color: clean[1]!, seconds: Number(clean[2]), left: 0 });
    const cut = /(\w+) still had (\d+) connection\(s\) after ([\d.]+) s/.exec(line);
    if (cut) drains.push({ color: cut[1]!, seconds: Number(cut[3]), left: Number(cut[2]) });
  }
  return drains;
}

/**
 * As test/support/under-load.ts: `deploys` deploys and `switches` switches of `source` while wrk
 * sends GETs and POSTs on 32 connections each through the project's nginx (bounded by
 * maxDurationSec). Every second deploy uses --no-switch and is followed by two switches, so the
 * old colour goes both ways: drained and stopped by a deploy, or drained before a deploy restarts
 * it. Stops at the first command that fails (and says which).
 */
export async function operationsUnderLoad(
  project: AppProject,
  source: string,
  paths: LoadPaths,
  counts: { deploys: number; switches: number },
  maxDurationSec: number,
  print: (line: string) => void,
): Promise<OperationsRun> {
  const url = (path: string) => `http://127.0.0.1:${project.port}${path}`;
  const common = { connections: CONNECTIONS, threads: 1, maxDurationSec };
  const get = startLoad({ ...common, url: url(paths.get), method: 'GET' });
  const post = startLoad({ ...common, url: url(paths.post), method: 'POST', body: paths.postBody });
  // A wrk that dies early is reported when its result is read below, not as an unhandled rejection.
  for (const load of [get, post]) load.finished.catch(() => undefined);
  const dropLoads = onCleanup(async () => void (await Promise.allSettled([get.stop(), post.stop()])));
  const loadStart = performance.now();
  const commands: CommandRun[] = [];
  let failed: CommandRun | undefined;
  const run = async (name: string, kind: CommandRun['kind'], args: string[]) => {
    const result = kind === 'switch' ? await project.run('switch', args) : await project.deploy(source, args);
    const command: CommandRun = { name, kind, ms: result.ms, code: result.code, output: result.output };
    commands.push(command);
    if (result.code !== 0) {
      failed = command;
      print(`    ${name} FAILED (exit ${result.code}):\n${result.output.trimEnd().split('\n').slice(-15).map((l) => `      ${l}`).join('\n')}`);
    }
    return result.code === 0;
  };
  try {
    await sleep(1000); // wrk's connections are open and busy before the first command
    let switches = 0;
    sequence: for (let i = 0; i < counts.deploys; i++) {
      const warm = i % 2 === 1 && switches < counts.switches;
      if (!(await run(`deploy ${i + 1}${warm ? ' --no-switch' : ''}`, warm ? 'deploy --no-switch' : 'deploy', warm ? ['--no-switch'] : []))) break;
      for (let s = 0; warm && s < 2 && switches < counts.switches; s++) {
        switches++;
        if (!(await run(`switch ${switches}`, 'switch', []))) break sequence;
      }
    }
    while (!failed && switches < counts.switches) {
      switches++;
      if (!(await run(`switch ${switches}`, 'switch', []))) break;
    }
  } finally {
    // Both runs end whatever happened, so no wrk outlives the benchmark.
    await Promise.allSettled([get.stop(), post.stop()]);
    dropLoads();
  }
  const loadEndedEarly = performance.now() - loadStart >= maxDurationSec * 1000;
  return { get: await get.finished, post: await post.finished, commands, planned: counts.deploys + counts.switches, ...(failed ? { failed } : {}), loadEndedEarly };
}
