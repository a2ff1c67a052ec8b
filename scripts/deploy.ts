import { deployCommand, releaseIdFor } from '@switchyard/deploy';
import { parseCommandLine, runCommand } from './lib/cli';
import { CHANGE_OPTIONS, commandOptions } from './lib/deploy-cli';

const USAGE = `usage: pnpm deploy:env --env NAME [--no-switch] [--source DIR] [--dry-run] [--wait SECONDS] [--json]
       (pnpm deploy:prod and pnpm deploy:staging choose the environment for you)
Ships a release, starts it on the idle colour, gates it on its health checks, switches traffic to it
and drains the old colour. --no-switch stops after the health gate, so the staging route can be tried.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE, {
    ...CHANGE_OPTIONS,
    'no-switch': { type: 'boolean', default: false },
    source: { type: 'string' },
  });
  await deployCommand({
    ...commandOptions(args, 'deploy'),
    switch: args['no-switch'] !== true,
    source: typeof args.source === 'string' ? args.source : undefined,
    releaseId: (sha) => releaseIdFor(new Date(), sha),
  });
});
