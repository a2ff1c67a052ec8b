import { formatStatus, readStatus } from '@switchyard/deploy';
import { loadConfigOrThrow, parseCommandLine, print, runCommand } from './lib/cli';

const USAGE = `usage: pnpm status [--env NAME] [--json] [--trust-new-host-key]
Shows the live colour, each colour's release, sha, health and uptime, the public URL, the canary
weight, how switches are done, and the last commands from the audit log.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE, { 'trust-new-host-key': { type: 'boolean', default: false } });
  const status = await readStatus(loadConfigOrThrow(args.env, args['config-dir']), { trustNewHostKey: args['trust-new-host-key'] === true });
  print(args.json ? JSON.stringify(status) : formatStatus(status).join('\n'));
});
