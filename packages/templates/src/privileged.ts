import { safe } from './guard';

/**
 * The only commands Switchyard runs as root when the SSH user is not root (server.privilege
 * "sudo"): the system nginx's test, reload and start. The nginx driver runs exactly these, and
 * server:init allows exactly these in sudoers, so the two cannot drift apart.
 */
export const PRIVILEGED_COMMANDS = {
  nginxTest: ['nginx', '-t', '-q'],
  nginxReload: ['nginx', '-s', 'reload'],
  nginxStart: ['nginx'],
  systemctlReloadNginx: ['systemctl', 'reload', 'nginx'],
  systemctlStartNginx: ['systemctl', 'start', 'nginx'],
} as const satisfies Record<string, readonly string[]>;

/** Absolute paths of the programs on the server, as sudoers requires. */
export interface ProgramPaths {
  nginx: string;
  systemctl: string;
}

/**
 * /etc/sudoers.d/switchyard-<app>. A command listed without arguments would allow any arguments
 * in sudoers, so a bare `nginx` is written with "" (no arguments at all).
 */
export function renderSudoers(user: string, app: string, programs: ProgramPaths): string {
  const who = safe.user(user, 'server.user');
  const lines = Object.values(PRIVILEGED_COMMANDS).map((argv) => {
    const [program, ...args] = argv;
    const path = safe.path(programs[program as keyof ProgramPaths], program);
    return args.length === 0 ? `${path} ""` : `${path} ${args.join(' ')}`;
  });
  return [
    `# Written by Switchyard's server:init for ${safe.app(app, 'app')}: exactly the commands a deploy runs as root.`,
    `${who} ALL=(root) NOPASSWD: ${lines.join(', ')}`,
    '',
  ].join('\n');
}

/** The system nginx's conf.d file that brings the app's site (in the deploy root) into its http block. */
export function renderSystemNginxInclude(siteConf: string): string {
  return `# Written by Switchyard's server:init: the app's site, rendered by each deploy.\ninclude ${safe.path(siteConf, 'site')};\n`;
}
