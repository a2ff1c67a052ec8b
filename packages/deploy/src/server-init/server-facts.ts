import type { Config } from '@switchyard/config';
import { COMMAND_TIMEOUT_MS, type Host, systemdIsPid1 } from '@switchyard/host';
import { BROTLI_STATIC_MODULE, nginxModules, type ServerLayout } from '@switchyard/templates';

/** What server:init needs to know about a server before it decides what to change; read-only. */
export interface ServerFacts {
  /** The SSH login (or this machine's user). */
  login: string;
  isRoot: boolean;
  /** The user deploys run as: server.user, else the login. */
  deployUser: string;
  deployUserExists: boolean;
  deployUid: number | null;
  /** Programs a deploy needs that are not installed, by Debian package name. */
  missingPackages: string[];
  /** Absolute paths of nginx and systemctl, for sudoers; null when missing. */
  programs: { nginx: string | null; systemctl: string | null };
  appRoot: PathFacts;
  /** The folder `assets.type: local` publishes into, when configured. */
  assetsDir: PathFacts | null;
  systemdIsPid1: boolean;
  /** The deploy user's systemd manager answers (lingering on, or started for it). */
  userManagerAnswers: boolean;
  /** Current text of the files server:init owns outside the deploy root (undefined: missing or unreadable). */
  sudoers: string | undefined;
  /** Non-root logins cannot read sudoers.d: whether `sudo -n` already allows the reload. */
  sudoAllowsReload: boolean;
  nginxInclude: string | undefined;
  /** The app's env file as it is (undefined: missing, or not readable by this login). */
  envFile: string | undefined;
  /** The system nginx workers' group, and whether the deploy user is in it. */
  nginxGroup: string | null;
  deployUserInNginxGroup: boolean;
}

const PACKAGE_OF: Record<string, string> = { nginx: 'nginx', rsync: 'rsync', sudo: 'sudo', flock: 'util-linux' };
/** Debian's package of each nginx module the site may load. */
const MODULE_PACKAGE: Record<string, string> = { [BROTLI_STATIC_MODULE]: 'libnginx-mod-http-brotli-static' };

async function out(host: Host, argv: string[]): Promise<string | null> {
  const result = await host.run(argv, { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
  return result.ok ? result.stdout.trim() : null;
}

/** argv run as `user` (runuser, from root), or as is when the login is that user. */
export function asUser(facts: Pick<ServerFacts, 'login' | 'deployUser'>, argv: string[]): string[] {
  return facts.login === facts.deployUser ? argv : ['runuser', '-u', facts.deployUser, '--', ...argv];
}

/** A directory server:init gives the deploy user: whether it is there, whose, and whether the login could create it. */
export interface PathFacts {
  exists: boolean;
  owner: string | null;
  mode: string | null;
  parentWritable: boolean;
}

async function pathFacts(host: Host, path: string): Promise<PathFacts> {
  const stat = await out(host, ['stat', '-c', '%U %a', path]);
  const [owner, mode] = stat ? stat.split(' ') : [null, null];
  return {
    exists: stat !== null,
    owner: owner ?? null,
    mode: mode ?? null,
    parentWritable: (await host.run(['sh', '-c', 'd=$(dirname -- "$1"); until [ -e "$d" ]; do d=$(dirname -- "$d"); done; [ -w "$d" ]', 'sh', path], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick })).ok,
  };
}

export async function observeServer(host: Host, config: Config, layout: ServerLayout): Promise<ServerFacts> {
  const login = (await out(host, ['id', '-un'])) ?? '?';
  const isRoot = (await out(host, ['id', '-u'])) === '0';
  const deployUser = (config.server.type === 'ssh' ? config.server.user : undefined) ?? login;
  const uidText = await out(host, ['id', '-u', deployUser]);
  const deployUid = uidText === null ? null : Number(uidText);
  const privilege = config.server.type === 'ssh' ? config.server.privilege : 'none';
  const needed = ['nginx', 'rsync', 'flock', ...(privilege === 'sudo' ? ['sudo'] : [])];
  const missingPackages: string[] = [];
  for (const program of needed) if ((await out(host, ['sh', '-c', 'command -v "$1"', 'sh', program])) === null) missingPackages.push(PACKAGE_OF[program]!);
  // Brotli twins of the assets need nginx's brotli_static, a module of its own package.
  for (const module of nginxModules(config)) if (!(await host.exists(module))) missingPackages.push(MODULE_PACKAGE[module]!);
  const assets = config.assets?.type === 'local' ? config.assets.directory : null;
  const pid1 = await systemdIsPid1(host);
  const facts = { login, deployUser };
  const userManagerAnswers =
    deployUid !== null &&
    ['running', 'degraded'].includes(
      (await host.run(asUser(facts, ['env', `XDG_RUNTIME_DIR=/run/user/${deployUid}`, 'systemctl', '--user', 'is-system-running']), { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick })).stdout.trim(),
    );
  const nginxUser = await out(host, ['sh', '-c', 'sed -n "s/^[[:space:]]*user[[:space:]]\\{1,\\}\\([^[:space:];]*\\).*/\\1/p" /etc/nginx/nginx.conf | head -n 1']);
  const nginxGroup = nginxUser ? await out(host, ['id', '-gn', nginxUser]) : null;
  const groups = deployUid === null ? [] : ((await out(host, ['id', '-Gn', deployUser])) ?? '').split(' ');
  return {
    login,
    isRoot,
    deployUser,
    deployUserExists: deployUid !== null,
    deployUid,
    missingPackages,
    programs: {
      nginx: await out(host, ['sh', '-c', 'command -v nginx']),
      systemctl: await out(host, ['sh', '-c', 'command -v systemctl']),
    },
    appRoot: await pathFacts(host, layout.appRoot),
    assetsDir: assets === null ? null : await pathFacts(host, assets),
    systemdIsPid1: pid1,
    userManagerAnswers,
    sudoers: isRoot ? await host.readFile(layout.sudoersFile) : undefined,
    sudoAllowsReload: (await host.run(['sudo', '-n', '-l', ...['nginx', '-s', 'reload']], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick })).ok,
    nginxInclude: await host.readFile(layout.systemNginxInclude).catch(() => undefined),
    envFile: await host.readFile(layout.envFile).catch(() => undefined),
    nginxGroup: nginxGroup || null,
    deployUserInNginxGroup: nginxGroup !== null && groups.includes(nginxGroup),
  };
}
