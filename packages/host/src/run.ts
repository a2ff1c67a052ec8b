import { KILL_AFTER_MS } from './command-timeouts';
import { CommandError, CommandTimeoutError } from './errors';
import type { RunOptions, RunResult } from './host';

// zx prints commands and their output when verbose, and its logger sees every argument and every
// byte of output: neither must reach the terminal or a log, since output may carry secrets.
// Set per call rather than on the global $, so other zx users in the process are unaffected.
const silentLog = () => {};

/** The environment a command gets: this process's, or PATH alone when it must not inherit it, plus its own. */
export function commandEnv(options: Pick<RunOptions, 'env' | 'inheritEnv'>): NodeJS.ProcessEnv {
  return options.inheritEnv === false ? { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env } : { ...process.env, ...options.env };
}

/** Runs a command from an argument array through zx, which quotes each element. */
export async function runCommand(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  if (argv.length === 0) throw new TypeError('runCommand: empty argv');
  const env = commandEnv(options);
  // zx/core: the shell runner alone, without the rest of zx; loaded by the first command run, so a
  // command that runs none (a switch on plain processes) does not compile it at start.
  const { $ } = await import('zx/core');
  const command = $({
    cwd: options.cwd,
    env,
    input: options.input,
    nothrow: true,
    quiet: true,
    verbose: false,
    log: silentLog,
  })`${argv}`;
  // zx kills the whole process tree. kill() throws once the command has ended: it finished in time.
  const stop = (signal: NodeJS.Signals): boolean => {
    try {
      command.kill(signal).catch(() => undefined);
      return true;
    } catch {
      return false;
    }
  };
  let timedOut = false;
  const term = setTimeout(() => (timedOut = stop('SIGTERM')), options.timeoutMs);
  const kill = setTimeout(() => stop('SIGKILL'), options.timeoutMs + KILL_AFTER_MS);
  const output = await command.finally(() => {
    clearTimeout(term);
    clearTimeout(kill);
  });
  if (timedOut) throw new CommandTimeoutError(argv, options.timeoutMs);
  const result: RunResult = {
    ok: output.ok,
    exitCode: output.exitCode,
    signal: output.signal,
    stdout: output.stdout,
    stderr: output.stderr,
  };
  if (!result.ok && !options.nothrow) throw new CommandError(argv, result.exitCode, result.stderr);
  return result;
}
