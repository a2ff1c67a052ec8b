import type { Color, ServerLayout } from '@switchyard/templates';
import { join } from 'node:path';
import { detachedProcess } from './detached-process';
import { readEnvFiles } from './env-files';
import { ProcessError } from './errors';
import type { Host } from './host';
import type { ProcessDriver, StopOptions } from './process-driver';

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

/** `${NAME}` in an argument replaced by the colour's variable, as systemd does in ExecStart. */
export function expandCommand(command: readonly string[], env: Readonly<Record<string, string>>): string[] {
  return command.map((arg) => arg.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => env[name] ?? ''));
}

/** Detached processes for machines without systemd: pid file in run/, output in log/<color>.log. */
export function plainDriver(options: PlainDriverOptions): ProcessDriver {
  const { host, layout } = options;
  const processOf = (color: Color) => detachedProcess(host, color, { pidFile: join(layout.runDir, `${color}.pid`), logFile: layout.colorLog(color) });

  return {
    kind: 'plain',

    async start(color) {
      const detached = processOf(color);
      if (await detached.running()) return;
      const cwd = layout.colorLink(color);
      if (!(await host.exists(cwd))) throw new ProcessError(`cannot start ${color}: ${cwd} does not exist (no release installed for it)`);
      // A killed app leaves its socket file behind, and the next listen() fails with EADDRINUSE.
      if (options.socketPath) await host.remove(options.socketPath(color));
      // The app sees its env files and PATH, not the deployer's environment.
      const env = await readEnvFiles(host, options.envFiles(color));
      await detached.start({ cwd, env, command: expandCommand(options.command, env) });
    },

    async stop(color, { timeoutMs }: StopOptions) {
      await processOf(color).stop(timeoutMs);
    },

    async isActive(color) {
      return (await processOf(color).running()) !== undefined;
    },

    async run(color) {
      // Nothing restarts a plain process: one that died is simply not running.
      const run = await processOf(color).uptimeSeconds();
      return run && { ...run, restarts: 0 };
    },

    lastLogLines(color, count) {
      return processOf(color).lastLogLines(count);
    },
  };
}
