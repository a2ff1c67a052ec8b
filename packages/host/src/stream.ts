import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { CommandError } from './errors';
import type { RunResult, StreamOptions } from './host';
import { commandEnv } from './run';

export interface StreamRun {
  /** The process whose stdout is read line by line: the command itself, or the ssh client carrying it. */
  child: ChildProcess;
  /** What the caller asked to run, for the error that names it. */
  argv: readonly string[];
  /** Ends the command when the signal aborts; how depends on where it runs. */
  stop(): void;
}

/**
 * Hands each stdout line of the child to onLine as it comes (a last line without a newline too),
 * keeps stderr for the result, and resolves when the process has ended and every line is out.
 */
export async function streamLines({ child, argv, stop }: StreamRun, onLine: (line: string) => void, signal?: AbortSignal): Promise<RunResult> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
  lines.on('line', onLine);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', (error) => reject(new CommandError(argv, null, error.message)));
    child.on('close', (code, killedBy) => resolve({ code, signal: killedBy }));
  });

  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const [{ code, signal: killedBy }] = await Promise.all([ended, once(lines, 'close')]);
    const result: RunResult = { ok: code === 0, exitCode: code, signal: killedBy, stdout: '', stderr };
    // Ctrl-C reaches every process in the terminal's foreground group: what it ended was interrupted, not failed.
    const interrupted = signal?.aborted || killedBy === 'SIGINT';
    if (!result.ok && !interrupted) throw new CommandError(argv, code, stderr);
    return result;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** On this machine: the command itself, without a shell; aborting sends it SIGTERM. */
export function streamLocal(argv: readonly string[], onLine: (line: string) => void, options: StreamOptions = {}): Promise<RunResult> {
  if (argv.length === 0) throw new TypeError('stream: empty argv');
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd, env: commandEnv(options) });
  return streamLines({ child, argv, stop: () => child.kill() }, onLine, options.signal);
}
