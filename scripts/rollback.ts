import { rollbackCommand } from '@switchyard/deploy';
import { parseCommandLine, runCommand } from './lib/cli';
import { CHANGE_OPTIONS, commandOptions } from './lib/deploy-cli';

const USAGE = `usage: pnpm rollback [--env NAME] [--migrations] [--dry-run] [--wait SECONDS] [--json] [--trust-new-host-key]
Moves traffic back to the previous release: at once when its colour is still warm, otherwise it is
started, gated and switched to. Migrations the previous release does not know stay applied; past a
contract migration it refuses, unless --migrations: then they are reverted with their down SQL
(contract ones before the previous release starts, the rest once the current colour has stopped).`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE, { ...CHANGE_OPTIONS, migrations: { type: 'boolean', default: false } });
  await rollbackCommand({ ...(await commandOptions(args, 'rollback')), migrations: args.migrations === true });
});
