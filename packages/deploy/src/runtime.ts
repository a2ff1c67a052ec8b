import { isAbsolute, resolve } from 'node:path';
import type { Config } from '@switchyard/config';
import { chooseProcessDriver, type Host, localHost, type NginxDriver, nginxDriver, type ProcessDriver, sshHost, type SshTarget } from '@switchyard/host';
import { serverLayout, type ServerLayout } from '@switchyard/templates';

export type Role = 'web' | 'worker';

/** The server side of one command on one server: where to act and the drivers that act there. */
export interface Runtime {
  /** The environment's config as it applies to this server (its own deploy root). */
  config: Config;
  host: Host;
  layout: ServerLayout;
  processes: ProcessDriver;
  nginx: NginxDriver;
  roles: readonly Role[];
  /** The environment's first server: the one that runs what is done once per environment (migrations). */
  primary: boolean;
}

export interface ConnectOptions {
  /** --trust-new-host-key: record the key of a server seen for the first time. */
  trustNewHostKey?: boolean;
  /** --ssh-user: log in as this user instead of server.user (server:init as root). */
  sshUser?: string;
  /** A command that only reads (status): its drivers start nothing. */
  readOnly?: boolean;
}

/** One server of the environment: how to reach it, and the config as it applies there. */
export interface ServerSpec {
  name: string;
  /** undefined: this machine. */
  target: SshTarget | undefined;
  config: Config;
  roles: readonly Role[];
  /** Only reading: the drivers start nothing (no user manager). */
  readOnly: boolean;
  /** The first server of the environment. */
  primary: boolean;
}

/** Every server the config names, in its order; one server has every role. */
export function serversOf(config: Config, options: ConnectOptions = {}): ServerSpec[] {
  const server = config.server;
  const readOnly = options.readOnly ?? false;
  if (server.type !== 'ssh') return [{ name: 'local', target: undefined, config, roles: ['web', 'worker'], readOnly, primary: true }];
  // Files named in the config (SSH config, key) are on the deploying machine, relative to the project.
  const onThisMachine = (path: string) => (isAbsolute(path) ? path : resolve(config.paths.projectRoot, path));
  const entries = server.hosts ?? [{ host: server.host!, roles: ['web', 'worker'] as Role[] }];
  return entries.map((entry, index) => {
    const user = options.sshUser ?? ('user' in entry && entry.user ? entry.user : server.user);
    const port = ('port' in entry ? entry.port : undefined) ?? server.port;
    const root = ('root' in entry ? entry.root : undefined) ?? server.root;
    const target: SshTarget = {
      destination: entry.host,
      ...(user ? { user } : {}),
      ...(port ? { port } : {}),
      ...(server.ssh.configFile ? { configFile: onThisMachine(server.ssh.configFile) } : {}),
      ...(server.ssh.identityFile ? { identityFile: onThisMachine(server.ssh.identityFile) } : {}),
      ...(server.ssh.jumpHost ? { jumpHost: server.ssh.jumpHost } : {}),
      connectTimeoutSec: server.ssh.connectTimeoutSec,
      trustNewHostKey: options.trustNewHostKey ?? false,
    };
    const name = entries.length > 1 && entries.filter((e) => e.host === entry.host).length > 1 ? `${entry.host}:${root}` : entry.host;
    return { name, target, config: { ...config, server: { ...server, root } }, roles: entry.roles, readOnly, primary: index === 0 };
  });
}

/** This server's host: this machine, or one master SSH connection. */
export async function connect(spec: ServerSpec): Promise<Host> {
  return spec.target ? sshHost(spec.target, spec.name) : localHost();
}

/** Connects to the server and starts its drivers; the caller closes rt.host. */
export async function openRuntime(spec: ServerSpec): Promise<Runtime> {
  const host = await connect(spec);
  const { config } = spec;
  try {
    const layout = serverLayout(config);
    const processes = await chooseProcessDriver(config, host, {
      envFiles: (color) => [layout.envFile, layout.colorEnvFile(color)],
      readOnly: spec.readOnly,
    });
    const sudo = config.server.type === 'ssh' && config.server.privilege === 'sudo';
    return { config, host, layout, processes, nginx: nginxDriver({ host, mode: config.nginx.mode, layout, sudo }), roles: spec.roles, primary: spec.primary };
  } catch (error) {
    host.close();
    throw error;
  }
}

/** Runs `use` on every server's host at once (no drivers started); closes them all afterwards. */
export async function withEachHost(config: Config, options: ConnectOptions, use: (host: Host, layout: ServerLayout, spec: ServerSpec) => Promise<void>): Promise<void> {
  const specs = serversOf(config, options);
  const hosts = await settleAll(specs, config.server.type === 'ssh' ? config.server.parallel : 1, connect);
  try {
    const failed = hosts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const used = await Promise.allSettled(specs.map((spec, i) => use((hosts[i] as PromiseFulfilledResult<Host>).value, serverLayout(spec.config), spec)));
    const error = used.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (error) throw error.reason;
  } finally {
    for (const r of hosts) if (r.status === 'fulfilled') r.value.close();
  }
}

/** Runs `use` with an open runtime of the first server, and closes its connection afterwards. */
export async function withRuntime<T>(config: Config, options: ConnectOptions, use: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime(serversOf(config, options)[0]!);
  try {
    return await use(rt);
  } finally {
    rt.host.close();
  }
}

/** Runs `fn` over `items` with at most `limit` at once; every result, failures included, in order. */
export async function settleAll<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]!) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Opens every server's runtime (connections in parallel); if one cannot be reached, closes the rest and throws. */
export async function withRuntimes<T>(config: Config, options: ConnectOptions, use: (rts: Runtime[]) => Promise<T>): Promise<T> {
  const specs = serversOf(config, options);
  const limit = config.server.type === 'ssh' ? config.server.parallel : 1;
  const opened = await settleAll(specs, limit, openRuntime);
  const runtimes = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  try {
    const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return await use(runtimes);
  } finally {
    for (const rt of runtimes) rt.host.close();
  }
}
