import type { Color, ServerLayout } from '@switchyard/templates';
import { join } from 'node:path';
import { COMMAND_TIMEOUT_MS } from './command-timeouts';
import { CommandTimeoutError, ProcessError } from './errors';
import type { Host, RunResult } from './host';
import { processAgeSeconds, processIdentity } from './proc';
import { type ProcessDriver, type StopOptions, tailFile } from './process-driver';
import { ensureUserManager, findUserManager } from './user-manager';

export interface UnitFile {
  /** e.g. catalog@.service */
  name: string;
  content: string;
}

export interface SystemdDriver extends ProcessDriver {
  readonly kind: 'systemd';
  readonly scope: 'system' | 'user';
  /** Where installUnits writes: /etc/systemd/system, or ~/.config/systemd/user. */
  readonly unitDir: string;
  /** Writes the unit files (atomically) and reloads the manager. */
  installUnits(files: readonly UnitFile[]): Promise<void>;
  /** Restarts the colour; `timeoutMs` as for stop (its TimeoutStopSec), the start comes on top. */
  restart(color: Color, options: StopOptions): Promise<void>;
  /** Restarts (or starts) a unit of the app's other than the colours: the worker. */
  restartUnit(name: string, options: StopOptions): Promise<void>;
}

export interface SystemdDriverOptions {
  host: Host;
  app: string;
  layout: ServerLayout;
  /** Default: system when systemd is PID 1 and we are root, user otherwise. */
  scope?: 'system' | 'user';
  /** false: use a user manager only if one already runs (a reading command changes nothing). Default true. */
  startManager?: boolean;
}

const UNIT_NAME = /^[A-Za-z0-9][A-Za-z0-9:_.@-]*\.(service|socket|timer|target)$/;

export async function systemdIsPid1(host: Host): Promise<boolean> {
  return (await host.readFile('/proc/1/comm'))?.trim() === 'systemd';
}

async function detectScope(host: Host): Promise<'system' | 'user'> {
  const root = (await host.run(['id', '-u'], { timeoutMs: COMMAND_TIMEOUT_MS.quick })).stdout.trim() === '0';
  return root && (await systemdIsPid1(host)) ? 'system' : 'user';
}

/**
 * Where the running user manager reads this user's own units: its configuration directory from its
 * unit search path (~/.config/systemd/user of the passwd entry's home), never this command's $HOME,
 * which may differ (sudo -E, a CI job): units written there are never found ("Unit … not found").
 */
async function userUnitDir(host: Host, env: Record<string, string>): Promise<string> {
  const shown = await host.run(['systemctl', '--user', 'show', '--property=UnitPath', '--value'], { env, nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
  const own = shown.stdout
    .trim()
    .split(/\s+/)
    .find((dir) => dir.endsWith('/systemd/user') && !/^\/(etc|run|usr|lib)\//.test(dir));
  if (own) return own;
  throw new ProcessError(`the systemd user manager did not say where it reads units (UnitPath: ${shown.stdout.trim() || shown.stderr.trim()})`);
}

/** `<app>@<color>` units under the system manager or this user's manager (started if need be). */
export async function systemdDriver(options: SystemdDriverOptions): Promise<SystemdDriver> {
  const { host, app, layout } = options;
  const scope = options.scope ?? (await detectScope(host));
  let env: Record<string, string> = {};
  let unitDir = '/etc/systemd/system';
  if (scope === 'user') {
    const manager = options.startManager === false ? await findUserManager(host) : await ensureUserManager(host);
    if (!manager) throw new ProcessError('no systemd user manager runs for this user');
    env = { XDG_RUNTIME_DIR: manager.runtimeDir };
    unitDir = await userUnitDir(host, env);
  }
  /** A question (is-active, show) answers at once; a job (start, stop, daemon-reload) waits for systemd. */
  const systemctl = (args: string[], timeoutMs: number): Promise<RunResult> =>
    host.run(['systemctl', ...(scope === 'user' ? ['--user'] : []), ...args], { env, nothrow: true, timeoutMs });
  const unit = (color: Color) => `${app}@${color}.service`;

  async function must(args: string[], what: string, timeoutMs: number = COMMAND_TIMEOUT_MS.systemctl): Promise<void> {
    const result = await systemctl(args, timeoutMs);
    if (!result.ok) throw new ProcessError(`${what}: ${result.stderr.trim() || `systemctl exited with ${result.exitCode}`}`);
  }

  async function isActive(color: Color): Promise<boolean> {
    return (await systemctl(['is-active', '--quiet', unit(color)], COMMAND_TIMEOUT_MS.quick)).ok;
  }

  return {
    kind: 'systemd',
    scope,
    unitDir,

    async installUnits(files) {
      for (const file of files) if (!UNIT_NAME.test(file.name)) throw new ProcessError(`refusing to install unit "${file.name}": not a unit file name`);
      await host.mkdirp(unitDir);
      for (const file of files) await host.writeFileAtomic(join(unitDir, file.name), file.content, 0o644);
      await must(['daemon-reload'], 'systemd could not reload its units');
    },

    async start(color) {
      // Units append to log/<color>.log, and systemd does not create the directory for them.
      await host.mkdirp(layout.logDir);
      await must(['start', unit(color)], `${unit(color)} did not start`);
    },

    async stop(color, { timeoutMs }: StopOptions) {
      // Unconditionally: a crash-looping unit waiting to restart is "activating", not active, and
      // would come back by itself. Stopping an inactive unit is a no-op.
      // systemd sends SIGTERM and waits TimeoutStopSec; our own bound comes first when it is shorter.
      const stopped = await systemctl(['stop', unit(color)], timeoutMs).catch((error: unknown) => {
        if (error instanceof CommandTimeoutError) return undefined;
        throw error;
      });
      if (stopped?.ok) return;
      await systemctl(['kill', '--signal=SIGKILL', unit(color)], COMMAND_TIMEOUT_MS.systemctl);
      await must(['stop', unit(color)], `${unit(color)} did not stop`);
    },

    async restart(color, { timeoutMs }: StopOptions) {
      await host.mkdirp(layout.logDir);
      await must(['restart', unit(color)], `${unit(color)} did not restart`, timeoutMs + COMMAND_TIMEOUT_MS.systemctl);
    },

    async restartUnit(name, { timeoutMs }: StopOptions) {
      if (!UNIT_NAME.test(name)) throw new ProcessError(`refusing to restart "${name}": not a unit name`);
      await host.mkdirp(layout.logDir);
      await must(['restart', name], `${name} did not restart`, timeoutMs + COMMAND_TIMEOUT_MS.systemctl);
    },

    isActive,

    async run(color) {
      const shown = await systemctl(['show', '--property=MainPID', '--property=NRestarts', unit(color)], COMMAND_TIMEOUT_MS.quick);
      const value = (name: string) => Number(new RegExp(`^${name}=(\\d+)$`, 'm').exec(shown.stdout)?.[1] ?? 0);
      // Between a crash and its restart (RestartSec) the unit has no main process: not running.
      const pid = value('MainPID');
      const id = pid > 0 ? await processIdentity(host, pid) : undefined;
      const uptimeSeconds = id && (await processAgeSeconds(host, id));
      return id && uptimeSeconds !== undefined ? { pid: id.pid, uptimeSeconds, restarts: value('NRestarts') } : undefined;
    },

    lastLogLines(color, count) {
      return tailFile(host, layout.colorLog(color), count);
    },
  };
}
