import { UsageError } from '@switchyard/config';
import { switchCommand } from '@switchyard/deploy';
import { parseCommandLine, runCommand } from './lib/cli';
import { CHANGE_OPTIONS, commandOptions } from './lib/deploy-cli';

const USAGE = `usage: pnpm switch [--env NAME] [--to blue|green] [--weight PERCENT] [--dry-run] [--wait SECONDS] [--json] [--trust-new-host-key]
Moves traffic to the other colour (both must be running and healthy). --weight 10 sends a sticky 10%
of clients to it (a canary), --weight 100 completes the switch, --weight 0 cancels the canary.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE, { ...CHANGE_OPTIONS, to: { type: 'string' }, weight: { type: 'string' } });
  const to = args.to;
  if (to !== undefined && to !== 'blue' && to !== 'green') throw new UsageError('--to: expected "blue" or "green"');
  const weight = args.weight === undefined ? undefined : Number(args.weight);
  if (weight !== undefined && !(Number.isInteger(weight) && weight >= 0 && weight <= 100))
    throw new UsageError('--weight: expected a whole number from 0 to 100');
  await switchCommand({ ...commandOptions(args, 'switch'), to, weight });
});
