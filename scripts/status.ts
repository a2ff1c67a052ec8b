import { formatStatuses, readStatuses } from '@switchyard/deploy';
import { loadConfigOrThrow, parseCommandLine, print, runCommand } from './lib/cli';

const USAGE = `usage: pnpm status [--env NAME] [--json] [--trust-new-host-key]
Shows the live colour, each colour's release, sha, health and uptime, the public URL, the canary
weight, how switches are done, the live release's migrations not applied yet (SQL migrations), and
the last commands from the audit log.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE, { 'trust-new-host-key': { type: 'boolean', default: false } });
  const statuses = await readStatuses(await loadConfigOrThrow(args.env, args['config-dir']), { trustNewHostKey: args['trust-new-host-key'] === true });
  // One server: its status object, as before; several: an array of them.
  print(args.json ? JSON.stringify(statuses.length === 1 ? statuses[0] : statuses) : formatStatuses(statuses).join('\n'));
});
