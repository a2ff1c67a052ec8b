import type { Config } from '@switchyard/config';
import { type Color, serverLayout } from '@switchyard/templates';
import { ProcessError } from './errors';
import type { Host } from './host';
import { plainDriver } from './plain-driver';
import type { ProcessDriver } from './process-driver';
import { systemdDriver } from './systemd-driver';

export interface ChooseDriverOptions {
  /**
   * For plain processes: a colour's dotenv files, as the systemd unit's EnvironmentFile= lines name
   * them. Default: the shared env file, then the colour's own.
   */
  envFiles?(color: Color): string[];
  /** For a command that only reads (status): never start a user manager, never create a directory. */
  readOnly?: boolean;
}

/**
 * config.supervisor: systemd, plain, or auto — systemd when a manager answers (the system one, or
 * a user manager, started privately where systemd is not PID 1), plain processes otherwise.
 */
export async function chooseProcessDriver(
  config: Pick<Config, 'app' | 'server' | 'supervisor' | 'start'>,
  host: Host,
  options: ChooseDriverOptions = {},
): Promise<ProcessDriver> {
  const layout = serverLayout(config);
  const envFiles = options.envFiles ?? ((color: Color) => [layout.envFile, layout.colorEnvFile(color)]);
  const socketPath = config.start.listen.type === 'socket' ? layout.socket : undefined;
  const plain = () => plainDriver({ host, layout, command: config.start.command, envFiles, ...(socketPath ? { socketPath } : {}) });
  if (config.supervisor === 'plain') return plain();
  try {
    return await systemdDriver({ host, app: config.app, layout, startManager: !options.readOnly });
  } catch (error) {
    // Where no manager runs, no unit runs: a reader sees that as well through the pid files, which
    // name nothing either, as it would through a manager it had to start.
    if ((config.supervisor === 'auto' || options.readOnly) && error instanceof ProcessError) return plain();
    throw error;
  }
}
