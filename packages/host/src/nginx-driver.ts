import { PRIVILEGED_COMMANDS, type ServerLayout } from '@switchyard/templates';
import { COMMAND_TIMEOUT_MS } from './command-timeouts';
import { ProxyError } from './errors';
import { type Identity, processIdentityOf } from './access';
import type { Host } from './host';
import { type ProcessIdentity, processIdentity, readProcFile, waitForExit } from './proc';
import { sleep } from './sleep';
import { systemdIsPid1 } from './systemd-driver';

export interface NginxDriverOptions {
  host: Host;
  /** private: Switchyard runs its own nginx under nginx/; system: the host's nginx. */
  mode: 'private' | 'system';
  layout: ServerLayout;
  /** Default: nginx from PATH. */
  binary?: string;
  /** The system nginx's pid file (system mode); default /run/nginx.pid. */
  systemPidFile?: string;
  /** System mode, as a user that is not root: `sudo -n` in front of each PRIVILEGED_COMMANDS entry. */
  sudo?: boolean;
}

export type NginxTestResult = { ok: true } | { ok: false; message: string };

export interface NginxDriver {
  readonly mode: 'private' | 'system';
  /** nginx -t: on failure, nginx's own message (file, line, what it did not accept). */
  test(): Promise<NginxTestResult>;
  /** Tests, then reloads gracefully; ProxyError with nginx's message when the config is rejected. */
  reload(): Promise<void>;
  isRunning(): Promise<boolean>;
  /** Starts nginx when it is not running (after a test). */
  ensureRunning(): Promise<void>;
  /** The worker processes now running. */
  workers(): Promise<ProcessIdentity[]>;
  /**
   * Who the workers act as (they connect to the colours), or undefined when nginx is not running.
   * Not the master's user: a master started by root runs its workers as nobody or www-data.
   */
  workerIdentity(): Promise<Identity | undefined>;
  /** Stops the private nginx (demo and tests); the system's nginx is not Switchyard's to stop. */
  stop(timeoutMs?: number): Promise<void>;
}

export function nginxDriver(options: NginxDriverOptions): NginxDriver {
  const { host, mode, layout } = options;
  const binary = options.binary ?? 'nginx';
  // -e: where nginx logs before it has read the config's error_log (the same file), not /var/log.
  const privateArgs = [binary, '-p', `${layout.nginxDir}/`, '-c', layout.privateNginxConf, '-e', layout.nginxErrorLog];
  const asRoot = (argv: readonly string[]) => (options.sudo ? ['sudo', '-n', ...argv] : [...argv]);
  /** nginx's own command for `what`: the private instance's flags, or the system's exact privileged command. */
  const nginxCommand = (what: 'nginxTest' | 'nginxReload' | 'nginxStart', extra: string[]) =>
    mode === 'private' ? [...privateArgs, ...extra] : asRoot([binary, ...PRIVILEGED_COMMANDS[what].slice(1)]);
  const pidFile = mode === 'private' ? layout.privateNginxPid : (options.systemPidFile ?? '/run/nginx.pid');

  async function master(): Promise<ProcessIdentity | undefined> {
    const pid = Number((await host.readFile(pidFile))?.trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    // A stale pid file can name a pid that now belongs to something else.
    if ((await host.readFile(`/proc/${pid}/comm`))?.trim() !== 'nginx') return undefined;
    return processIdentity(host, pid);
  }

  /**
   * The master's worker processes. Read from /proc, which lists a process's children, rather than
   * ps: a switch's health gate asks this, and running no command keeps the switch from loading a
   * command runner at all. ps only where the kernel does not list children.
   */
  async function workerPids(masterPid: number): Promise<number[]> {
    const listed = await readProcFile(host, `/proc/${masterPid}/task/${masterPid}/children`);
    if (listed === undefined) {
      const children = await host.run(['ps', '--ppid', String(masterPid), '-o', 'pid=,args='], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
      return children.stdout
        .split('\n')
        .filter((line) => line.includes('worker process'))
        .map((line) => Number(line.trim().split(/\s+/)[0]));
    }
    const pids: number[] = [];
    for (const pid of listed.trim().split(/\s+/).filter(Boolean).map(Number)) {
      // nginx titles its workers "nginx: worker process"; its cache manager runs as their user too, but is not one.
      // A worker that exits between the listing and this read is gone, not an error.
      if ((await readProcFile(host, `/proc/${pid}/cmdline`))?.includes('worker process')) pids.push(pid);
    }
    return pids;
  }

  async function test(): Promise<NginxTestResult> {
    if (mode === 'private') await host.mkdirp(layout.logDir);
    const result = await host.run(nginxCommand('nginxTest', ['-t', '-q']), { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.nginx });
    return result.ok ? { ok: true } : { ok: false, message: result.stderr.trim() || `nginx -t exited with ${result.exitCode}` };
  }

  async function mustPass(): Promise<void> {
    const tested = await test();
    if (!tested.ok) throw new ProxyError(`nginx rejected the configuration; nothing was reloaded:\n${tested.message}`);
  }

  async function mustRun(argv: string[], what: string, timeoutMs: number): Promise<void> {
    const result = await host.run(argv, { nothrow: true, timeoutMs });
    if (!result.ok) throw new ProxyError(`${what}: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
  }

  return {
    mode,
    test,

    async reload() {
      await mustPass();
      if (mode === 'system' && (await systemdIsPid1(host))) await mustRun(asRoot(PRIVILEGED_COMMANDS.systemctlReloadNginx), 'systemctl reload nginx failed', COMMAND_TIMEOUT_MS.systemctl);
      else await mustRun(nginxCommand('nginxReload', ['-s', 'reload']), 'nginx -s reload failed', COMMAND_TIMEOUT_MS.nginx);
    },

    async isRunning() {
      return (await master()) !== undefined;
    },

    async ensureRunning() {
      if (await master()) return;
      await mustPass();
      if (mode === 'system' && (await systemdIsPid1(host))) await mustRun(asRoot(PRIVILEGED_COMMANDS.systemctlStartNginx), 'systemctl start nginx failed', COMMAND_TIMEOUT_MS.systemctl);
      else await mustRun(nginxCommand('nginxStart', []), 'nginx did not start', COMMAND_TIMEOUT_MS.nginx);
      // The master writes its pid file after it daemonizes.
      for (let i = 0; i < 100 && !(await master()); i++) await sleep(20);
      if (!(await master())) throw new ProxyError(`nginx started but no master process is named in ${pidFile}`);
    },

    async workers() {
      const m = await master();
      if (!m) return [];
      const workers: ProcessIdentity[] = [];
      for (const pid of await workerPids(m.pid)) {
        const id = await processIdentity(host, pid);
        if (id) workers.push(id);
      }
      return workers;
    },

    async workerIdentity() {
      const m = await master();
      if (!m) return undefined;
      for (const pid of await workerPids(m.pid)) {
        const identity = await processIdentityOf(host, pid);
        if (identity) return identity;
      }
      return undefined;
    },

    async stop(timeoutMs = 5_000) {
      if (mode === 'system') throw new ProxyError("Switchyard does not stop the system's nginx");
      const m = await master();
      if (!m) return;
      // A signal to the master rather than `nginx -s quit`, which reads the config first and so
      // fails when the config on disk is broken.
      await host.run(['kill', '-s', 'QUIT', String(m.pid)], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
      if ((await waitForExit(host, [m], timeoutMs)).length > 0) {
        await host.run(['kill', '-s', 'KILL', String(m.pid)], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
        await waitForExit(host, [m], 2_000);
      }
    },
  };
}
