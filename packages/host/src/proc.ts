import { HostFileError } from './errors';
import type { Host } from './host';
import { sleep } from './sleep';

/**
 * A process as the kernel knows it: a pid alone can be reused by an unrelated process after the
 * first one exits, the pair (pid, start time) cannot.
 */
export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot at which the process started. */
  startTime: string;
}

interface ProcStat extends ProcessIdentity {
  state: string;
  ppid: number;
}

/** A file under /proc/<pid>/, or undefined once the process is gone, even if it exits mid-read. */
export async function readProcFile(host: Host, path: string): Promise<string | undefined> {
  try {
    return await host.readFile(path);
  } catch (error) {
    if (error instanceof HostFileError && error.code === 'ESRCH') return undefined;
    throw error;
  }
}

async function readStat(host: Host, pid: number): Promise<ProcStat | undefined> {
  const text = await readProcFile(host, `/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, startTime] = [fields[0], fields[1], fields[19]];
  if (state === undefined || ppid === undefined || startTime === undefined) return undefined;
  return { pid, state, ppid: Number(ppid), startTime };
}

/** The identity of a running process, or undefined when there is none (zombies count as gone). */
export async function processIdentity(host: Host, pid: number): Promise<ProcessIdentity | undefined> {
  const stat = await readStat(host, pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return undefined;
  return { pid, startTime: stat.startTime };
}

/** Clock ticks a second in /proc's times: USER_HZ, which Linux fixes at 100 for user space. */
const TICKS_PER_SECOND = 100;

/** Seconds since the process started, from its start time and the machine's uptime; undefined when it is gone. */
export async function processAgeSeconds(host: Host, id: ProcessIdentity): Promise<number | undefined> {
  const uptime = Number((await host.readFile('/proc/uptime'))?.split(' ')[0]);
  if (!Number.isFinite(uptime)) return undefined;
  return Math.max(0, Math.round(uptime - Number(id.startTime) / TICKS_PER_SECOND));
}

export async function isRunning(host: Host, id: ProcessIdentity): Promise<boolean> {
  return (await processIdentity(host, id.pid))?.startTime === id.startTime;
}

/** Polls until every process has exited or the time is up; returns those still running. */
export async function waitForExit(host: Host, ids: readonly ProcessIdentity[], timeoutMs: number, intervalMs = 10): Promise<ProcessIdentity[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running: ProcessIdentity[] = [];
    for (const id of ids) if (await isRunning(host, id)) running.push(id);
    if (running.length === 0 || Date.now() >= deadline) return running;
    await sleep(intervalMs);
    ids = running;
  }
}
