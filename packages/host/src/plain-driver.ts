import { type Color, LOG_MAX_BYTES, LOG_PIPE_LINES, type ServerLayout } from '@switchyard/templates';
import { join } from 'node:path';
import { readEnvFiles } from './env-files';
import { ProcessError } from './errors';
import type { Host } from './host';
import { type ProcessIdentity, isRunning, processAgeSeconds, waitForExit } from './proc';
import { type ProcessDriver, type StopOptions, tailFile } from './process-driver';
import { COMMAND_TIMEOUT_MS } from './command-timeouts';

export interface PlainDriverOptions {
  host: Host;
  layout: ServerLayout;
  /** config.start.command */
  command: readonly string[];
  /** dotenv files giving the colour its environment, later ones winning: the shared env file, then the colour's own. */
  envFiles(color: Color): string[];
  /** The colour's own socket (socket mode), removed before each start. */
  socketPath?(color: Color): string;
}

// Runs as the new session's leader, then becomes the app by exec, so the pid and start time it
// records are the app's own. Written to a temp file and renamed, so a reader never sees half a
// line; recorded before exec, so even a deploy killed right after the start leaves the pid behind.
// sh's own command name has no spaces, so field 22 of its stat line is its start time. The umask
// is the unit's (UMask=0007): a socket the app creates is its group's, nginx's (see run/'s group).
// The app's output goes through the same bounded log writer as under systemd (LOG_PIPE_LINES).
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

/** `${NAME}` in an argument replaced by the colour's variable, as systemd does in ExecStart. */
export function expandCommand(command: readonly string[], env: Readonly<Record<string, string>>): string[] {
  return command.map((arg) => arg.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => env[name] ?? ''));
}

/** Detached processes for machines without systemd: pid file in run/, output in log/<color>.log. */
export function plainDriver(options: PlainDriverOptions): ProcessDriver {
  const { host, layout } = options;
  const pidFile = (color: Color) => join(layout.runDir, `${color}.pid`);

  async function running(color: Color): Promise<ProcessIdentity | undefined> {
    const text = await host.readFile(pidFile(color));
    const [pid, startTime] = (text ?? '').trim().split(' ');
    if (!pid || !startTime || !/^\d+$/.test(pid)) return undefined;
    const id = { pid: Number(pid), startTime };
    return (await isRunning(host, id)) ? id : undefined;
  }

  async function signalGroup(pid: number, signal: 'TERM' | 'KILL'): Promise<void> {
    // The app leads its own process group (setsid): children such as `npm start`'s node get it too,
    // as systemd's default KillMode=control-group does.
    await host.run(['kill', '-s', signal, '--', `-${pid}`], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
  }

  return {
    kind: 'plain',

    async start(color) {
      if (await running(color)) return;
      const cwd = layout.colorLink(color);
      if (!(await host.exists(cwd))) throw new ProcessError(`cannot start ${color}: ${cwd} does not exist (no release installed for it)`);
      await host.mkdirp(layout.runDir);
      await host.mkdirp(layout.logDir);
      // A killed app leaves its socket file behind, and the next listen() fails with EADDRINUSE.
      if (options.socketPath) await host.remove(options.socketPath(color));
      const env = await readEnvFiles(host, options.envFiles(color));
      const command = expandCommand(options.command, env);
      const result = await host.run(
        ['setsid', '-f', 'sh', '-c', LAUNCHER, 'switchyard-launch', pidFile(color), layout.colorLog(color), ...command],
        // The app sees its env files and PATH, not the deployer's environment. setsid -f returns
        // once the launcher has forked: the app's own start-up is the health gate's to time.
        { cwd, env, inheritEnv: false, nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick },
      );
      const started = result.ok ? await running(color) : undefined;
      if (!started) {
        const log = (await tailFile(host, layout.colorLog(color), 20)).join('\n');
        throw new ProcessError(`${color} exited as soon as it started${result.stderr ? `: ${result.stderr.trim()}` : ''}\n${log}`.trim());
      }
    },

    async stop(color, { timeoutMs }: StopOptions) {
      const id = await running(color);
      if (id) {
        await signalGroup(id.pid, 'TERM');
        if ((await waitForExit(host, [id], timeoutMs)).length > 0) {
          await signalGroup(id.pid, 'KILL');
          if ((await waitForExit(host, [id], 5_000)).length > 0) throw new ProcessError(`${color} (pid ${id.pid}) survived SIGKILL`);
        }
      }
      await host.remove(pidFile(color));
    },

    async isActive(color) {
      return (await running(color)) !== undefined;
    },

    async run(color) {
      const id = await running(color);
      const uptimeSeconds = id && (await processAgeSeconds(host, id));
      // Nothing restarts a plain process: one that died is simply not running.
      return id && uptimeSeconds !== undefined ? { pid: id.pid, uptimeSeconds, restarts: 0 } : undefined;
    },

    lastLogLines(color, count) {
      return tailFile(host, layout.colorLog(color), count);
    },
  };
}
