import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  type Config,
  ConfigError,
  formatProblem,
  loadConfigCached,
  redactText,
  type Secret,
  SwitchyardError,
  UsageError,
} from '@switchyard/config';
import { builtCommandsDir } from '@switchyard/host';
import { joinNegativeValues } from './whole-number';

const COMMON_OPTIONS = {
  env: { type: 'string', default: 'local' },
  'config-dir': { type: 'string', default: 'config' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

type Options = NonNullable<ParseArgsConfig['options']>;

const knownSecrets = new Set<Secret>();

/**
 * A reader that goes away (`pnpm deploy:env --dry-run | head`) must not crash a command half-way
 * through a deploy: writing to it stops, the command finishes its job.
 */
const closed = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed.add(stream);
  });

function write(stream: NodeJS.WriteStream, text: string, end = '\n'): void {
  if (!closed.has(stream)) stream.write(`${redactText(text, knownSecrets)}${end}`);
}

/** Writes to stdout with every loaded secret's value replaced, whatever the caller printed. */
export const print = (text: string): void => write(process.stdout, text);
export const printError = (text: string): void => write(process.stderr, text);
/** As print, without the newline: a terminal's line redrawn in place. */
export const printRaw = (text: string): void => write(process.stdout, text, '');

export interface CommandLine {
  env: string;
  'config-dir': string;
  json: boolean;
  [flag: string]: string | boolean | (string | boolean)[] | undefined;
}

/** Parses the common flags (--env, --config-dir, --json, --help) and a command's own; exit 2 on misuse. */
export function parseCommandLine(usage: string, extra: Options = {}, argv = process.argv.slice(2)): CommandLine {
  const options: Options = { ...COMMON_OPTIONS, ...extra };
  const valueFlags = new Set(Object.entries(options).flatMap(([name, option]) => (option.type === 'string' ? [`--${name}`] : [])));
  let values: CommandLine;
  try {
    const args = joinNegativeValues(argv, valueFlags);
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: false });
    values = parsed.values as CommandLine;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
  if (values.help) {
    print(usage);
    process.exit(0);
  }
  return values;
}

/**
 * Where a built command remembers the config files it validated (loadConfigCached): beside the
 * bundles, in dist/commands/, which every build empties. Run from source (tsx), nothing is remembered.
 */
const CONFIG_CACHE = builtCommandsDir(import.meta.url);

/** Loads and validates the environment's config; throws ConfigError with every problem at once. */
export async function loadConfigOrThrow(environment: string, configDir: string): Promise<Config> {
  const { config, errors, warnings } = await loadConfigCached({ environment, configDir }, CONFIG_CACHE && join(CONFIG_CACHE, '.config-cache'));
  for (const warning of warnings) printError(`warning: ${formatProblem(warning)}`);
  if (!config) throw new ConfigError(errors);
  for (const secret of Object.values(config.secretValues)) knownSecrets.add(secret);
  return config;
}

/** Runs a command's main function and maps what it throws to an exit code, without stack traces. */
export async function runCommand(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof SwitchyardError) {
      printError(error.message);
      process.exit(error.exitCode);
    }
    printError(`error: ${(error as Error)?.message ?? String(error)}`);
    if (process.env.SWITCHYARD_DEBUG) printError((error as Error)?.stack ?? '');
    process.exit(1);
  }
}
