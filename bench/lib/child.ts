import { spawn } from 'node:child_process';
import { now } from './probe';

export interface TimedChild {
  /** Wall time from spawn to the process's exit. */
  ms: number;
  code: number | null;
  output: string;
  /** Each line of stdout with the time it arrived, ms after spawn. */
  lines: { ms: number; text: string }[];
}

/**
 * Runs a command (argument array, no shell) and times it from spawn to exit; killed after timeoutMs.
 * `env` is added to this process's environment (credentials belong there, never in argv); a
 * variable given as undefined is left out.
 */
export function timeChild(command: string, args: readonly string[], options: { cwd: string; timeoutMs: number; env?: Record<string, string | undefined> }): Promise<TimedChild> {
  return new Promise((resolve, reject) => {
    const started = now();
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env, FORCE_COLOR: '0' } });
    let output = '';
    const lines: TimedChild['lines'] = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) lines.push({ ms: now() - started, text: line });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      const ms = now() - started;
      clearTimeout(timer);
      // The output is complete once the pipes close; a child that left a grandchild holding them is not waited for.
      const settle = () => resolve({ ms, code, output, lines });
      const fallback = setTimeout(settle, 300);
      child.once('close', () => {
        clearTimeout(fallback);
        settle();
      });
    });
  });
}

/** The JSON objects a command printed with --json (other lines, such as pnpm's own banner, skipped). */
export function jsonLines(output: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not one of the command's events
    }
  }
  return events;
}
