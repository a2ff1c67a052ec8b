import { type Config, UsageError } from '@switchyard/config';
import { type CommandOptions, jsonReporter, newDeployId, textReporter } from '@switchyard/deploy';
import { type CommandLine, loadConfigOrThrow, print } from './cli';

/** Flags every changing command takes beside --env, --config-dir and --json. */
export const CHANGE_OPTIONS = {
  'dry-run': { type: 'boolean', default: false },
  wait: { type: 'string' },
  'trust-new-host-key': { type: 'boolean', default: false },
} as const;

function waitMs(value: CommandLine[string]): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(seconds) || seconds < 0 || seconds > 3600)
    throw new UsageError('--wait: expected a number of seconds from 0 to 3600');
  return seconds * 1000;
}

/** Config, reporter and deploy id for a command, from its parsed command line. */
export function commandOptions(args: CommandLine, command: string): CommandOptions & { config: Config } {
  const config = loadConfigOrThrow(args.env, args['config-dir']);
  const deployId = newDeployId();
  const out = args.json ? jsonReporter(print, deployId) : textReporter(print);
  return {
    config,
    out,
    deployId,
    argv: [command, ...process.argv.slice(2)],
    dryRun: args['dry-run'] === true,
    waitMs: waitMs(args.wait),
    trustNewHostKey: args['trust-new-host-key'] === true,
  };
}
