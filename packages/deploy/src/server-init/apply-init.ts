import { COMMAND_TIMEOUT_MS, CommandError, type Host, waitFor } from '@switchyard/host';
import { DeployFailed } from '../errors';
import type { InitChange } from './plan-init';

const MANAGER_START_MS = 15_000;

/**
 * Lingering where systemd is not PID 1 (containers, CI): what logind does for `enable-linger` —
 * a runtime directory, a cgroup the user owns in each hierarchy, and the user's own
 * `systemd --user` started inside it — done by root here, since nothing else on the host will.
 */
const START_USER_MANAGER = [
  'user=$1; uid=$2; run=/run/user/$uid',
  'mkdir -p /run/systemd/system "$run" && chown "$user": "$run" && chmod 700 "$run" || exit 1',
  'procs=""',
  'for h in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd /sys/fs/cgroup; do',
  '  [ -f "$h/cgroup.procs" ] || continue',
  '  g="$h/switchyard-user-$uid"; mkdir -p "$g" && chown -R "$user": "$g" && procs="$procs $g/cgroup.procs"',
  '  [ "$h" = /sys/fs/cgroup ] && [ -n "$procs" ] && break',
  'done',
  'setsid -f sh -c \'for p in $1; do echo $$ > "$p"; done; exec runuser -u "$2" -- env XDG_RUNTIME_DIR="$3" /lib/systemd/systemd --user\' sh "$procs" "$user" "$run" </dev/null >>"$run/systemd-user.log" 2>&1',
].join('\n');

async function must(host: Host, argv: string[], what: string, input?: string): Promise<void> {
  const result = await host.run(argv, { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.build, ...(input === undefined ? {} : { input }) });
  if (!result.ok) throw new DeployFailed(`${what}: ${result.stderr.trim().split('\n').slice(-3).join(' ') || `exit ${result.exitCode}`}`);
}

export async function applyInitChange(host: Host, change: InitChange): Promise<void> {
  switch (change.kind) {
    case 'install-packages':
      await must(host, ['apt-get', 'update', '-qq'], 'apt-get update failed');
      await must(host, ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...change.packages], 'apt-get install failed');
      return;
    case 'create-user':
      await must(host, ['useradd', '--create-home', '--shell', '/bin/bash', change.user], `could not create ${change.user}`);
      // useradd leaves the password "!" (locked), and an sshd without PAM refuses locked accounts
      // even with a key; "*" allows no password either, but lets the key in.
      await must(host, ['usermod', '-p', '*', change.user], `could not unlock ${change.user} for SSH keys`);
      return;
    case 'user-directory':
      await must(host, ['mkdir', '-p', change.path], `could not create ${change.path}`);
      await must(host, ['chown', `${change.user}:`, change.path], `could not give ${change.path} to ${change.user}`);
      await must(host, ['chmod', '755', change.path], `could not open ${change.path} to nginx's workers`);
      return;
    case 'linger': {
      if (change.systemdIsPid1) {
        await must(host, ['loginctl', 'enable-linger', change.user], `loginctl enable-linger ${change.user} failed`);
        return;
      }
      const uid = (await host.run(['id', '-u', change.user], { timeoutMs: COMMAND_TIMEOUT_MS.quick })).stdout.trim();
      await must(host, ['sh', '-c', START_USER_MANAGER, 'sh', change.user, uid], `could not start ${change.user}'s systemd manager`);
      const ready = await waitFor(
        async () => {
          const state = await host.run(['runuser', '-u', change.user, '--', 'env', `XDG_RUNTIME_DIR=/run/user/${uid}`, 'systemctl', '--user', 'is-system-running'], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
          return ['running', 'degraded'].includes(state.stdout.trim());
        },
        { timeoutMs: MANAGER_START_MS, intervalMs: 100 },
      );
      if (!ready) throw new DeployFailed(`${change.user}'s systemd manager did not come up; see /run/user/${uid}/systemd-user.log`);
      return;
    }
    case 'sudoers': {
      // Checked by visudo before it is in place: a broken sudoers file can lock root out of sudo.
      const temp = `${change.path}.switchyard-new`;
      await host.writeFileAtomic(temp, change.content, 0o440);
      const checked = await host.run(['visudo', '-c', '-q', '-f', temp], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
      if (!checked.ok) {
        await host.remove(temp);
        throw new CommandError(['visudo', '-c', '-f', temp], checked.exitCode, checked.stdout + checked.stderr);
      }
      await must(host, ['mv', '-f', temp, change.path], `could not install ${change.path}`);
      return;
    }
    case 'nginx-include':
      await host.writeFileAtomic(change.path, change.content, 0o644);
      return;
    case 'env-file':
      // Traversable, not listable, as a deploy leaves it: units running as another user reach their shared paths.
      await host.mkdirp(change.dir, 0o711);
      await host.writeFileAtomic(change.path, change.content, 0o600);
      if (change.chown) await must(host, ['chown', `${change.user}:`, change.dir, change.path], `could not give ${change.path} to ${change.user}`);
      return;
    case 'nginx-group':
      await must(host, ['usermod', '-a', '-G', change.group, change.user], `could not add ${change.user} to ${change.group}`);
      return;
  }
}
