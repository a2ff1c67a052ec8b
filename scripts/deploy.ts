import { deployCommand, releaseIdFor } from '@switchyard/deploy';
import { parseCommandLine, runCommand } from './lib/cli';
import { CHANGE_OPTIONS, commandOptions } from './lib/deploy-cli';

const USAGE = `usage: pnpm deploy:env --env NAME [--no-switch] [--source DIR] [--allow-dirty] [--dry-run] [--wait SECONDS] [--json] [--trust-new-host-key]
       (pnpm deploy:prod and pnpm deploy:staging choose the environment for you)
Ships a release, starts it on the idle colour, gates it on its health checks, switches traffic to it
and drains the old colour. --no-switch stops after the health gate, so the staging route can be tried.
Uncommitted changes in the source are refused outside the local environment unless --allow-dirty.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE, {
    ...CHANGE_OPTIONS,
    'no-switch': { type: 'boolean', default: false },
    source: { type: 'string' },
    'allow-dirty': { type: 'boolean', default: false },
  });
  await deployCommand({
    ...(await commandOptions(args, 'deploy')),
    switch: args['no-switch'] !== true,
    source: typeof args.source === 'string' ? args.source : undefined,
    allowDirty: args['allow-dirty'] === true,
    releaseId: (sha, dirty) => releaseIdFor(new Date(), sha, dirty),
  });
});
