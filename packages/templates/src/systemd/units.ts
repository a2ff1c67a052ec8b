import { type Config, moduleUnits } from '@switchyard/config';
import { RenderError } from '../errors';
import { safe } from '../guard';
import { type Color, serverLayout } from '../layout';
import { LOG_MAX_BYTES } from '../log-pipe';
import { hardening } from './hardening';

type UnitConfig = Pick<Config, 'app' | 'server' | 'start' | 'systemd' | 'modules' | 'shared'>;

export const appUnitName = (app: string) => `${app}@.service`;
export const workerUnitName = (app: string) => `${app}-worker.service`;

/**
 * ExecStart from a command array. systemd needs an absolute program; a bare name is found by
 * /usr/bin/env on the unit's PATH at start, a rule that needs no look-up here. Every argument is
 * allow-listed (no spaces, quotes, "%" or ";"; "$" only in a colour variable such as
 * ${SOCKET_PATH}, which systemd replaces within that one word), so it is one word to systemd.
 */
export function execStart(command: readonly string[], key: string): string {
  const args = command.map((arg, i) => safe.startArgument(arg, `${key}[${i}]`));
  const [program] = args;
  if (program === undefined) throw new RenderError(`${key}: expected at least the program`);
  return program.startsWith('/') ? args.join(' ') : ['/usr/bin/env', ...args].join(' ');
}

interface ServiceOptions {
  description: string;
  workingDirectory: string;
  environmentFiles: string[];
  exec: string;
  /** Run before each start, restarts included. */
  execStartPre: string[];
  log: string;
  identifier: string;
}

/** Where a unit may write: the ProtectSystem=strict exceptions. */
function writablePaths(config: UnitConfig): string[] {
  const layout = serverLayout(config);
  const shared = [...config.shared.dirs, ...config.shared.files].map((path) => safe.path(layout.sharedPath(path), 'shared'));
  const extra = config.systemd.writablePaths.map((path, i) => safe.path(path, `systemd.writablePaths[${i}]`));
  return [layout.runDir, layout.logDir, layout.tmpDir, ...shared, ...extra];
}

function unit(config: UnitConfig, options: ServiceOptions): string {
  const layout = serverLayout(config);
  const user = config.systemd.user;
  const sections = [
    ['[Unit]', `Description=${options.description}`, 'After=network.target'],
    [
      '[Service]',
      'Type=exec',
      ...(user ? [`User=${safe.user(user, 'systemd.user')}`] : []),
      `WorkingDirectory=${options.workingDirectory}`,
      ...options.environmentFiles.map((envFile) => `EnvironmentFile=${envFile}`),
      ...options.execStartPre.map((line) => `ExecStartPre=${line}`),
      // Through the log writer (bin/log-pipe): a full disk cannot kill the app, a log cannot fill it.
      `ExecStart=/bin/sh ${layout.logPipeScript} ${options.log} ${LOG_MAX_BYTES} ${options.exec}`,
      'Restart=on-failure',
      'RestartSec=1',
      // SIGTERM comes once nginx has no connection left to the colour; the app may still finish work.
      'KillSignal=SIGTERM',
      `TimeoutStopSec=${config.systemd.stopTimeoutSec}`,
      `SyslogIdentifier=${options.identifier}`,
      // The log writer's own complaints (no journal where systemd is not PID 1); the app's output
      // reaches the same file through the writer.
      `StandardOutput=append:${options.log}`,
      `StandardError=append:${options.log}`,
      '',
      ...hardening(config.systemd.hardening, layout.appRoot, writablePaths(config)),
    ],
    ['[Install]', `WantedBy=${user ? 'multi-user.target' : 'default.target'}`],
  ];
  return `# Rendered by Switchyard: edits are lost at the next deploy.\n${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}

/** <app>@.service: one instance per colour (%i = blue or green). */
export function renderAppUnit(config: UnitConfig): string {
  const app = safe.app(config.app, 'app');
  const layout = serverLayout(config);
  safe.path(layout.appRoot, 'server.root');
  return unit(config, {
    description: `${app} (%i colour), deployed by Switchyard`,
    workingDirectory: `${layout.colorsDir}/%i`,
    environmentFiles: [layout.envFile, `${layout.runDir}/%i.env`],
    exec: execStart(config.start.command, 'start.command'),
    // A killed app leaves its socket file behind, and the next listen() fails with EADDRINUSE.
    execStartPre: config.start.listen.type === 'socket' ? [`/bin/rm -f ${layout.runDir}/%i.sock`] : [],
    log: `${layout.logDir}/%i.log`,
    identifier: `${app}-%i`,
  });
}

/**
 * <app>-worker.service: runs start.worker in the live colour's release, so a switch re-renders it
 * (and the deploy restarts the worker); undefined unless the worker module is enabled.
 */
export function renderWorkerUnit(config: UnitConfig, live: Color): string | undefined {
  if (!moduleUnits(config.modules).includes('worker') || !config.start.worker) return undefined;
  const app = safe.app(config.app, 'app');
  const layout = serverLayout(config);
  safe.path(layout.appRoot, 'server.root');
  return unit(config, {
    description: `${app} worker (${live} release), deployed by Switchyard`,
    workingDirectory: layout.colorLink(live),
    environmentFiles: [layout.envFile, layout.colorEnvFile(live)],
    exec: execStart(config.start.worker, 'start.worker'),
    execStartPre: [],
    log: layout.workerLog,
    identifier: `${app}-worker`,
  });
}
