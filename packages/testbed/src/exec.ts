import { execFile } from 'node:child_process';

export interface ExecResult {
  /** The exit code; null when the command was killed (a timeout, a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs argv without a shell and never throws: the caller reads `code`. Bounded by `timeoutMs`. */
export function run(argv: string[], timeoutMs = 10_000): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('run: empty argv'));
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (error && code === null ? error.message : '')) });
    });
  });
}

/** Runs `ip ...args` and throws with ip's own message when it fails. */
export async function ip(...args: string[]): Promise<string> {
  const result = await run(['ip', ...args]);
  if (result.code !== 0) throw new Error(`ip ${args.join(' ')} failed (${result.code ?? 'killed'}): ${result.stderr.trim()}`);
  return result.stdout;
}
