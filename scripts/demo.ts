import { runDemo } from '@switchyard/demo';
import { parseCommandLine, print, runCommand } from './lib/cli';
import { wholeNumber } from './lib/whole-number';

const USAGE = `usage: pnpm demo [--port PORT] [--root DIR] [--keep]
Deploys the sample catalog app on this machine and, under GET and POST load, deploys v2 beside it,
sends it a 10% canary, switches, rolls back, switches again and tries a broken v3 that the health
gate must refuse; then prints the requests, failures and times. Exits 1 if any request failed.`;

await runCommand(async () => {
  const args = parseCommandLine(USAGE, { port: { type: 'string' }, root: { type: 'string', default: '/tmp/switchyard-demo' }, keep: { type: 'boolean', default: false } });
  const port = wholeNumber('port', args.port, { min: 1024, max: 65535 }) ?? 18080;
  const ok = await runDemo({ projectConfigDir: args['config-dir'], root: String(args.root), port, print, keep: args.keep === true });
  if (!ok) process.exitCode = 1;
});
