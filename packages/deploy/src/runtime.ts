import { type Config, UsageError } from '@switchyard/config';
import { chooseProcessDriver, type Host, localHost, type NginxDriver, nginxDriver, type ProcessDriver } from '@switchyard/host';
import { serverLayout, type ServerLayout } from '@switchyard/templates';

/** The server side of one command: where to act and the drivers that act there. */
export interface Runtime {
  config: Config;
  host: Host;
  layout: ServerLayout;
  processes: ProcessDriver;
  nginx: NginxDriver;
}

export async function openRuntime(config: Config): Promise<Runtime> {
  if (config.server.type !== 'local')
    throw new UsageError(
      `${config.paths.configFile}: server.type: "ssh" servers are not supported by this version yet; use { "type": "local" } on the server itself`,
    );
  const host = localHost();
  const layout = serverLayout(config);
  const processes = await chooseProcessDriver(config, host, {
    envFiles: (color) => [layout.envFile, layout.colorEnvFile(color)],
  });
  return { config, host, layout, processes, nginx: nginxDriver({ host, mode: config.nginx.mode, layout }) };
}
