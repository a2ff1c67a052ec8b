import { UsageError } from '@switchyard/config';
import { devSetup, devSetupCheck, LOCAL, summarizeParts } from '@switchyard/dev';
import { parseCommandLine, print, runCommand } from './lib/cli';

const USAGE = `usage: pnpm dev:setup [--yes] [--check] [--config-dir DIR]
From a fresh clone to the app running locally under Switchyard, as production runs it: checks the
prerequisites (installs what is missing with apt-get when run as root, else prints the command),
writes the missing secrets to .env.local (0600; asked on a terminal), deploys the local environment
(which starts the embedded database and migrates it), loads the seed data once, checks the health,
and prints the URL and how long each part took. A second run changes nothing and says so.
  --yes     do not ask: generate the secrets .env.example marks as generated, fail naming the others
  --check   change nothing: one line per thing missing or broken; exit 1 if there is any
pnpm dev:down stops what it started; the data stays.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE, { yes: { type: 'boolean', default: false }, check: { type: 'boolean', default: false } });
  if (args.env !== LOCAL) throw new UsageError(`--env: pnpm dev:setup sets up the ${LOCAL} environment only, not "${args.env}"\n${USAGE}`);
  if (args.json) throw new UsageError(`--json: pnpm dev:setup prints lines for a person; pnpm status --env local --json reports as JSON\n${USAGE}`);
  if (args.check) {
    const problems = await devSetupCheck({ configDir: args['config-dir'] });
    for (const problem of problems) print(problem);
    print(problems.length === 0 ? 'dev:setup --check: nothing missing or broken' : `dev:setup --check: ${problems.length} problem(s); pnpm dev:setup fixes what it can`);
    if (problems.length > 0) process.exitCode = 1;
    return;
  }
  const { parts, url } = await devSetup({ configDir: args['config-dir'], secrets: args.yes ? 'yes' : 'ask', out: print });
  print('');
  for (const line of summarizeParts(parts)) print(line);
  print(`\nthe app: ${url}`);
});
