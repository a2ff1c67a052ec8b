import { spawnSync } from 'node:child_process';

const run = (argv: string[]) => spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 20_000 });

/**
 * Removes a user a test had server:init create, with what server:init gave it: its lingering
 * systemd manager (and the units under it), its cgroups, its processes, its home.
 */
export function removeServerUser(user: string): void {
  const uid = run(['id', '-u', user]).stdout.trim();
  if (!uid) return;
  run(['runuser', '-u', user, '--', 'env', `XDG_RUNTIME_DIR=/run/user/${uid}`, 'systemctl', '--user', 'exit']);
  for (let i = 0; i < 50 && run(['pgrep', '-u', uid, '-f', 'systemd --user']).status === 0; i++) spawnSync('sleep', ['0.1']);
  run(['pkill', '-KILL', '-u', uid]);
  for (let i = 0; i < 50 && run(['pgrep', '-u', uid]).status === 0; i++) spawnSync('sleep', ['0.1']);
  for (const hierarchy of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup/systemd', '/sys/fs/cgroup'])
    run(['sh', '-c', 'find "$1" -depth -type d -exec rmdir {} + 2>/dev/null; true', 'sh', `${hierarchy}/switchyard-user-${uid}`]);
  run(['rm', '-rf', `/run/user/${uid}`]);
  run(['userdel', '--remove', user]);
}
