import { ConfigError, UsageError } from '@switchyard/config';
import { loadConfig } from '@switchyard/config/validation';
import { stopEverything } from '@switchyard/deploy';
import { LOCAL } from '@switchyard/dev';
import { servesEmbeddedDatabase, serverLayout } from '@switchyard/templates';
import { parseCommandLine, print, runCommand } from './lib/cli';

const USAGE = `usage: pnpm dev:down [--config-dir DIR]
Stops everything the local environment runs: both colours, its nginx and the embedded database.
Releases, .env.local and the database's data stay; pnpm dev:setup starts it all again.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE);
  if (args.env !== LOCAL) throw new UsageError(`--env: pnpm dev:down stops the ${LOCAL} environment only, not "${args.env}"\n${USAGE}`);
  // Stopping needs no secret: a developer whose .env.local is gone can still stop what runs.
  const { config, errors } = loadConfig({ environment: LOCAL, configDir: args['config-dir'], missingSecrets: 'allow' });
  if (!config) throw new ConfigError(errors);
  await stopEverything(config);
  const layout = serverLayout(config);
  print(`stopped blue, green, nginx${servesEmbeddedDatabase(config) ? ' and the embedded database' : ''}; kept ${layout.releasesDir}${servesEmbeddedDatabase(config) ? ` and the data in ${layout.pgliteDir}` : ''}`);
});
