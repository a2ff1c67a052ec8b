import { describeConfig } from '@switchyard/config';
import { loadConfigOrThrow, parseCommandLine, print, runCommand } from './lib/cli';

const USAGE = `usage: pnpm config:print [--env NAME] [--config-dir DIR] [--json]
Prints the resolved config of an environment, secrets redacted.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE);
  const config = await loadConfigOrThrow(args.env, args['config-dir']);
  print(args.json ? JSON.stringify(config, null, 2) : describeConfig(config).join('\n'));
});
