import type { Config } from '@switchyard/config';
import { renderEnvFile, renderSudoers, renderSystemNginxInclude, type ServerLayout } from '@switchyard/templates';
import type { ServerFacts } from './server-facts';

/** One change server:init can make. */
export type InitChange =
  | { kind: 'install-packages'; packages: string[] }
  | { kind: 'create-user'; user: string }
  /** The deploy root, or the assets folder: created, given to the deploy user, open (755) to nginx's workers. */
  | { kind: 'user-directory'; path: string; user: string }
  | { kind: 'linger'; user: string; systemdIsPid1: boolean }
  | { kind: 'sudoers'; path: string; content: string }
  | { kind: 'nginx-include'; path: string; content: string }
  | { kind: 'nginx-group'; user: string; group: string }
  /** The secrets go in over stdin, 0600, owned by the deploy user. */
  | { kind: 'env-file'; path: string; dir: string; content: string; user: string; chown: boolean };

/** What server:init found about one thing, and what it does about it. */
export type InitItem =
  | { name: string; state: 'ok'; detail: string }
  | { name: string; state: 'change'; detail: string; change: InitChange }
  /** Needs root and the login is not root: the commands an administrator would run. */
  | { name: string; state: 'needs-root'; detail: string; rootCommands: string[] };

/**
 * What a fresh server needs before its first deploy, checked item by item: each is already right
 * (nothing done), changed (root can, or the deploy user for its own files), or named with the
 * exact root commands when the login cannot make it. Pure: facts in, items out.
 */
export function planServerInit(config: Config, layout: ServerLayout, facts: ServerFacts): InitItem[] {
  const items: InitItem[] = [];
  const user = facts.deployUser;
  const privilege = config.server.type === 'ssh' ? config.server.privilege : 'none';
  const add = (name: string, ok: boolean, okDetail: string, changeDetail: string, change: InitChange, rootCommands: string[], canWithoutRoot = false) => {
    if (ok) items.push({ name, state: 'ok', detail: okDetail });
    else if (facts.isRoot || canWithoutRoot) items.push({ name, state: 'change', detail: changeDetail, change });
    else items.push({ name, state: 'needs-root', detail: changeDetail, rootCommands });
  };

  const packages = facts.missingPackages;
  add('packages', packages.length === 0, 'nginx, rsync and flock are installed', `install ${packages.join(', ')}`, { kind: 'install-packages', packages }, [
    `apt-get install -y --no-install-recommends ${packages.join(' ')}`,
  ]);
  add('deploy user', facts.deployUserExists, `${user} exists`, `create the user ${user}`, { kind: 'create-user', user }, [`useradd --create-home --shell /bin/bash ${user}`, `usermod -p '*' ${user}`]);
  const rootOk = facts.appRoot.exists && facts.appRoot.owner === user;
  add(
    'deploy root',
    rootOk,
    `${layout.appRoot} belongs to ${user}`,
    facts.appRoot.exists ? `give ${layout.appRoot} to ${user} (owned by ${facts.appRoot.owner})` : `create ${layout.appRoot}, owned by ${user}`,
    { kind: 'user-directory', path: layout.appRoot, user },
    [`mkdir -p ${layout.appRoot}`, `chown ${user}: ${layout.appRoot}`, `chmod 755 ${layout.appRoot}`],
    !facts.appRoot.exists && facts.login === user && facts.appRoot.parentWritable,
  );
  const assetsDir = config.assets?.type === 'local' ? config.assets.directory : null;
  if (assetsDir !== null && facts.assetsDir) {
    const there = facts.assetsDir;
    // Written by the deploy user at each deploy, read by nginx's workers.
    add(
      'assets folder',
      there.exists && there.owner === user,
      `${assetsDir} belongs to ${user}`,
      there.exists ? `give ${assetsDir} to ${user} (owned by ${there.owner})` : `create ${assetsDir}, owned by ${user}`,
      { kind: 'user-directory', path: assetsDir, user },
      [`mkdir -p ${assetsDir}`, `chown ${user}: ${assetsDir}`, `chmod 755 ${assetsDir}`],
      !there.exists && facts.login === user && there.parentWritable,
    );
  }
  add(
    'env file',
    facts.envFile === renderEnvFile(config),
    `${layout.envFile} holds the app's variables and secrets (0600)`,
    `write ${layout.envFile}: the app's variables and secrets (0600)`,
    { kind: 'env-file', path: layout.envFile, dir: layout.sharedDir, content: renderEnvFile(config), user, chown: facts.login !== user },
    // Never the secrets themselves: root runs server:init, which sends them on stdin.
    [`pnpm server:init --env ${config.environment} --ssh-user root`],
    facts.login === user && (rootOk || facts.appRoot.parentWritable),
  );
  if (config.supervisor !== 'plain' && user !== 'root')
    add(
      'systemd user manager',
      facts.userManagerAnswers,
      `${user}'s systemd manager runs (lingering)`,
      `keep a systemd manager running for ${user} (lingering)`,
      { kind: 'linger', user, systemdIsPid1: facts.systemdIsPid1 },
      facts.systemdIsPid1 ? [`loginctl enable-linger ${user}`] : [`pnpm server:init --env ${config.environment} --ssh-user root`],
    );
  if (privilege === 'sudo' && user !== 'root' && facts.programs.nginx && facts.programs.systemctl) {
    const content = renderSudoers(user, config.app, { nginx: facts.programs.nginx, systemctl: facts.programs.systemctl });
    add(
      'sudoers',
      facts.isRoot ? facts.sudoers === content : facts.sudoAllowsReload,
      `${user} may run the nginx test, reload and start as root, and nothing else`,
      `allow ${user} the nginx test, reload and start as root (${layout.sudoersFile})`,
      { kind: 'sudoers', path: layout.sudoersFile, content },
      [`cat > ${layout.sudoersFile} <<'EOF'\n${content}EOF`, `chmod 440 ${layout.sudoersFile}`, `visudo -cf ${layout.sudoersFile}`],
    );
  }
  if (config.nginx.mode === 'system') {
    const content = renderSystemNginxInclude(layout.siteConf);
    add('nginx site', facts.nginxInclude === content, `the system nginx includes ${layout.siteConf}`, `make the system nginx include ${layout.siteConf} (${layout.systemNginxInclude})`, { kind: 'nginx-include', path: layout.systemNginxInclude, content }, [
      `printf '%s' '${content.replace(/'/g, `'\\''`)}' > ${layout.systemNginxInclude}`,
    ]);
    if (facts.nginxGroup && user !== 'root')
      add(
        'nginx group',
        facts.deployUserInNginxGroup,
        `${user} is in ${facts.nginxGroup}, the group of nginx's workers`,
        `add ${user} to ${facts.nginxGroup}, so the sockets its apps create are nginx's to connect to`,
        { kind: 'nginx-group', user, group: facts.nginxGroup },
        [`usermod -a -G ${facts.nginxGroup} ${user}`],
      );
  }
  return items;
}
