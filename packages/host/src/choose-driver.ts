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
    return await systemdDriver({ host, app: config.app, layout });
  } catch (error) {
    if (config.supervisor === 'auto' && error instanceof ProcessError) return plain();
    throw error;
  }
}
