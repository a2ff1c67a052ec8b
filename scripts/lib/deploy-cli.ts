import type { Config } from '@switchyard/config';
import { type CommandOptions, jsonReporter, newDeployId, terminalReporter, textReporter } from '@switchyard/deploy';
import { type CommandLine, loadConfigOrThrow, print, printRaw } from './cli';
import { wholeNumber } from './whole-number';

/** Flags every changing command takes beside --env, --config-dir and --json. */
export const CHANGE_OPTIONS = {
  'dry-run': { type: 'boolean', default: false },
  wait: { type: 'string' },
  'trust-new-host-key': { type: 'boolean', default: false },
} as const;

/** Config, reporter and deploy id for a command, from its parsed command line. */
export async function commandOptions(args: CommandLine, command: string): Promise<CommandOptions & { config: Config }> {
  const waitSeconds = wholeNumber('wait', args.wait, { min: 0, max: 3600, of: 'seconds' });
  const config = await loadConfigOrThrow(args.env, args['config-dir']);
  const deployId = newDeployId();
  const out = args.json ? jsonReporter(print, deployId) : process.stdout.isTTY ? terminalReporter(printRaw) : textReporter(print);
  return {
    config,
    out,
    deployId,
    argv: [command, ...process.argv.slice(2)],
    dryRun: args['dry-run'] === true,
    waitMs: waitSeconds === undefined ? undefined : waitSeconds * 1000,
    trustNewHostKey: args['trust-new-host-key'] === true,
  };
}
