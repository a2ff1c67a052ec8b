import { rollbackCommand } from '@switchyard/deploy';
import { parseCommandLine, runCommand } from './lib/cli';
import { CHANGE_OPTIONS, commandOptions } from './lib/deploy-cli';

const USAGE = `usage: pnpm rollback [--env NAME] [--dry-run] [--wait SECONDS] [--json] [--trust-new-host-key]
Moves traffic back to the previous release: at once when its colour is still warm, otherwise it is
started, gated and switched to.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE, CHANGE_OPTIONS);
  await rollbackCommand(commandOptions(args, 'rollback'));
});
