import { LOG_MAX_BYTES, LOG_PIPE_LINES } from '@switchyard/templates';
import { dirname } from 'node:path';
import { ProcessError } from './errors';
import type { Host } from './host';
import { type ProcessIdentity, isRunning, processAgeSeconds, waitForExit } from './proc';
import { tailFile } from './process-driver';
import { COMMAND_TIMEOUT_MS } from './command-timeouts';

// Runs as the new session's leader, then becomes the program by exec, so the pid and start time it
// records are the program's own. Written to a temp file and renamed, so a reader never sees half a
// line; recorded before exec, so even a command killed right after the start leaves the pid behind.
// sh's own command name has no spaces, so field 22 of its stat line is its start time. The umask
// is the unit's (UMask=0007): a socket the app creates is its group's, nginx's (see run/'s group).
// The output goes through the same bounded log writer as under systemd (LOG_PIPE_LINES).
const LAUNCHER = [
  'pidfile=$1 log=$2',
  'shift 2',
  'umask 0007',
  'start=$(cut -d" " -f22 /proc/$$/stat)',
  'printf "%s %s\\n" "$$" "$start" > "$pidfile.tmp"',
  'mv -f "$pidfile.tmp" "$pidfile"',
  'exec </dev/null',
  `max=${LOG_MAX_BYTES}`,
  ...LOG_PIPE_LINES,
].join('\n');

export interface DetachedStart {
  cwd: string;
  /** The program's whole environment: it never sees the deployer's. */
  env: Record<string, string>;
  command: readonly string[];
}

/** A process started in its own session, outside any supervisor: its pid file and its log. */
export interface DetachedProcess {
  /** The running process, or undefined (no pid file, or its process is gone). */
  running(): Promise<ProcessIdentity | undefined>;
  /** Starts it unless it runs; throws with the log's last lines when it exits at once. */
  start(spec: DetachedStart): Promise<void>;
  /** SIGTERM to its process group, up to timeoutMs to exit, then SIGKILL; removes the pid file. */
  stop(timeoutMs: number): Promise<void>;
  uptimeSeconds(): Promise<{ pid: number; uptimeSeconds: number } | undefined>;
  lastLogLines(count: number): Promise<string[]>;
}

/**
 * How Switchyard runs a program where nothing supervises it: the colours on a machine without
 * systemd, and the embedded database. `name` is what errors call it.
 */
export function detachedProcess(host: Host, name: string, files: { pidFile: string; logFile: string }): DetachedProcess {
  const { pidFile, logFile } = files;

  async function running(): Promise<ProcessIdentity | undefined> {
    const text = await host.readFile(pidFile);
    const [pid, startTime] = (text ?? '').trim().split(' ');
    if (!pid || !startTime || !/^\d+$/.test(pid)) return undefined;
    const id = { pid: Number(pid), startTime };
    return (await isRunning(host, id)) ? id : undefined;
  }

  async function signalGroup(pid: number, signal: 'TERM' | 'KILL'): Promise<void> {
    // The program leads its own process group (setsid): children such as `npm start`'s node get
    // the signal too, as systemd's default KillMode=control-group does.
    await host.run(['kill', '-s', signal, '--', `-${pid}`], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
  }

  return {
    running,

    async start({ cwd, env, command }) {
      if (await running()) return;
      await host.mkdirp(dirname(pidFile));
      await host.mkdirp(dirname(logFile));
      const result = await host.run(
        ['setsid', '-f', 'sh', '-c', LAUNCHER, 'switchyard-launch', pidFile, logFile, ...command],
        // setsid -f returns once the launcher has forked: the program's own start-up is the caller's to wait for.
        { cwd, env, inheritEnv: false, nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick },
      );
      const started = result.ok ? await running() : undefined;
      if (!started) {
        const log = (await tailFile(host, logFile, 20)).join('\n');
        throw new ProcessError(`${name} exited as soon as it started${result.stderr ? `: ${result.stderr.trim()}` : ''}\n${log}`.trim());
      }
    },

    async stop(timeoutMs) {
      const id = await running();
      if (id) {
        await signalGroup(id.pid, 'TERM');
        if ((await waitForExit(host, [id], timeoutMs)).length > 0) {
          await signalGroup(id.pid, 'KILL');
          if ((await waitForExit(host, [id], 5_000)).length > 0) throw new ProcessError(`${name} (pid ${id.pid}) survived SIGKILL`);
        }
      }
      await host.remove(pidFile);
    },

    async uptimeSeconds() {
      const id = await running();
      const uptimeSeconds = id && (await processAgeSeconds(host, id));
      return id && uptimeSeconds !== undefined ? { pid: id.pid, uptimeSeconds } : undefined;
    },

    lastLogLines(count) {
      return tailFile(host, logFile, count);
    },
  };
}
