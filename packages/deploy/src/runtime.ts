import { isAbsolute, resolve } from 'node:path';
import type { Config } from '@switchyard/config';
import { chooseProcessDriver, type Host, localHost, type NginxDriver, nginxDriver, type ProcessDriver, sshHost, type SshTarget } from '@switchyard/host';
import { serverLayout, type ServerLayout } from '@switchyard/templates';

/** The server side of one command: where to act and the drivers that act there. */
export interface Runtime {
  config: Config;
  host: Host;
  layout: ServerLayout;
  processes: ProcessDriver;
  nginx: NginxDriver;
}

export interface ConnectOptions {
  /** --trust-new-host-key: record the key of a server seen for the first time. */
  trustNewHostKey?: boolean;
  /** --ssh-user: log in as this user instead of server.user (server:init as root). */
  sshUser?: string;
}

/** How to reach config.server over SSH; files named in the config are on the deploying machine. */
export function sshTarget(config: Config, options: ConnectOptions = {}): SshTarget | undefined {
  const server = config.server;
  if (server.type !== 'ssh') return undefined;
  const onThisMachine = (path: string) => (isAbsolute(path) ? path : resolve(config.paths.projectRoot, path));
  return {
    destination: server.host,
    ...(options.sshUser || server.user ? { user: options.sshUser ?? server.user } : {}),
    ...(server.port ? { port: server.port } : {}),
    ...(server.ssh.configFile ? { configFile: onThisMachine(server.ssh.configFile) } : {}),
    ...(server.ssh.identityFile ? { identityFile: onThisMachine(server.ssh.identityFile) } : {}),
    ...(server.ssh.jumpHost ? { jumpHost: server.ssh.jumpHost } : {}),
    connectTimeoutSec: server.ssh.connectTimeoutSec,
    trustNewHostKey: options.trustNewHostKey ?? false,
  };
}

/** Connects to the server (this machine, or one master SSH connection); the caller closes rt.host. */
export async function openRuntime(config: Config, options: ConnectOptions = {}): Promise<Runtime> {
  const target = sshTarget(config, options);
  const host = target ? await sshHost(target) : localHost();
  try {
    const layout = serverLayout(config);
    const processes = await chooseProcessDriver(config, host, {
      envFiles: (color) => [layout.envFile, layout.colorEnvFile(color)],
    });
    const sudo = config.server.type === 'ssh' && config.server.privilege === 'sudo';
    return { config, host, layout, processes, nginx: nginxDriver({ host, mode: config.nginx.mode, layout, sudo }) };
  } catch (error) {
    host.close();
    throw error;
  }
}

/** Runs `use` with the server's host alone (no drivers started), and closes it afterwards. */
export async function withRuntimeHost<T>(config: Config, options: ConnectOptions, use: (host: Host, layout: ServerLayout) => Promise<T>): Promise<T> {
  const target = sshTarget(config, options);
  const host = target ? await sshHost(target) : localHost();
  try {
    return await use(host, serverLayout(config));
  } finally {
    host.close();
  }
}

/** Runs `use` with an open runtime and closes its connection afterwards, whatever happens. */
export async function withRuntime<T>(config: Config, options: ConnectOptions, use: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime(config, options);
  try {
    return await use(rt);
  } finally {
    rt.host.close();
  }
}
