import { UsageError } from '@switchyard/config';
import { switchCommand } from '@switchyard/deploy';
import { parseCommandLine, runCommand } from './lib/cli';
import { CHANGE_OPTIONS, commandOptions } from './lib/deploy-cli';
import { wholeNumber } from './lib/whole-number';

const USAGE = `usage: pnpm switch [--env NAME] [--to blue|green] [--weight PERCENT] [--dry-run] [--wait SECONDS] [--json] [--trust-new-host-key]
Moves traffic to the other colour (both must be running and healthy). --weight 10 sends a sticky 10%
of clients to it (a canary), --weight 100 completes the switch, --weight 0 cancels the canary.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE, { ...CHANGE_OPTIONS, to: { type: 'string' }, weight: { type: 'string' } });
  const to = args.to;
  if (to !== undefined && to !== 'blue' && to !== 'green') throw new UsageError('--to: expected "blue" or "green"');
  const weight = wholeNumber('weight', args.weight, { min: 0, max: 100 });
  await switchCommand({ ...(await commandOptions(args, 'switch')), to, weight });
});
