import { UsageError } from '@switchyard/config';
import { jsonReporter, newDeployId, serverInitCommand, textReporter } from '@switchyard/deploy';
import { loadConfigOrThrow, parseCommandLine, print, runCommand } from './lib/cli';

const USAGE = `usage: pnpm server:init --env NAME [--ssh-user USER] [--dry-run] [--trust-new-host-key] [--json]
Prepares a server for its first deploy, idempotently: the packages a deploy needs, the deploy user
and root, a systemd manager that lingers for it, and with the system nginx the site include, the
sudoers lines for its reload and the nginx group. As root (--ssh-user root) it makes each change;
as the deploy user it makes its own and prints the root commands for the rest. A second run
changes nothing and says so; --dry-run only shows what it would do.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE, {
    'ssh-user': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'trust-new-host-key': { type: 'boolean', default: false },
  });
  const sshUser = args['ssh-user'];
  if (sshUser !== undefined && (typeof sshUser !== 'string' || !/^[a-z_][a-z0-9_-]{0,31}$/.test(sshUser)))
    throw new UsageError('--ssh-user: expected a Unix user name such as root');
  const config = await loadConfigOrThrow(args.env, args['config-dir']);
  await serverInitCommand({
    config,
    out: args.json ? jsonReporter(print, newDeployId()) : textReporter(print),
    dryRun: args['dry-run'] === true,
    trustNewHostKey: args['trust-new-host-key'] === true,
    ...(typeof sshUser === 'string' ? { sshUser } : {}),
  });
});
