import type { Host, RunOptions, RunResult } from '@switchyard/host';

/** A runner that records each command and answers with `result` instead of running anything. */
export function recordingRunner(result: Partial<RunResult> = {}): { run: Host['run']; calls: { argv: string[]; options: RunOptions }[] } {
  const calls: { argv: string[]; options: RunOptions }[] = [];
  const run: Host['run'] = async (argv, options) => {
    calls.push({ argv: [...argv], options });
    return { ok: true, exitCode: 0, signal: null, stdout: '', stderr: '', ...result };
  };
  return { run, calls };
}
