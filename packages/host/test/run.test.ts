import { describe, expect, it, vi } from 'vitest';
import { KILL_AFTER_MS } from '../src/command-timeouts';
import { CommandError, CommandTimeoutError } from '../src/errors';
import { runCommand } from '../src/run';
import { tempDir } from './helpers';

const QUICK = { timeoutMs: 10_000 };

describe('runCommand', () => {
  it('passes each element as one argument, with no shell interpretation', async () => {
    const tricky = ['a b', '"quoted"', "it's", '$HOME', '`id`', '; echo injected', '*'];
    const result = await runCommand(['printf', '%s\\n', ...tricky], QUICK);
    expect(result.stdout.split('\n').slice(0, -1)).toEqual(tricky);
  });

  it('passes secrets through the environment, and can withhold the inherited one', async () => {
    const withEnv = await runCommand(['sh', '-c', 'printf %s "$SECRET_TOKEN"'], { env: { SECRET_TOKEN: 's3cr3t' }, ...QUICK });
    expect(withEnv.stdout).toBe('s3cr3t');
    const clean = await runCommand(['sh', '-c', 'printf "%s|%s" "$HOME" "$X"'], { env: { X: '1' }, inheritEnv: false, ...QUICK });
    expect(clean.stdout).toBe('|1');
  });

  it('runs in cwd and feeds input', async () => {
    const dir = await tempDir();
    expect((await runCommand(['pwd'], { cwd: dir, ...QUICK })).stdout.trim()).toBe(dir);
    expect((await runCommand(['cat'], { input: 'hello', ...QUICK })).stdout).toBe('hello');
  });

  it('throws CommandError naming the command and its stderr, or returns the failure with nothrow', async () => {
    const error = await runCommand(['sh', '-c', 'echo broken >&2; exit 4'], QUICK).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).exitCode).toBe(1);
    expect((error as CommandError).message).toBe('sh -c echo broken >&2; exit 4 exited with 4:\nbroken');
    const result = await runCommand(['sh', '-c', 'exit 4'], { nothrow: true, ...QUICK });
    expect(result).toMatchObject({ ok: false, exitCode: 4 });
  });

  it('prints nothing of the command or its output', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    await runCommand(['sh', '-c', 'echo out; echo err >&2; exit 3'], { nothrow: true, ...QUICK });
    await runCommand(['echo', 'visible?'], QUICK);
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('stops a command that outlives its bound and names it and the bound, even with nothrow', async () => {
    const started = Date.now();
    const error = await runCommand(['sleep', '10'], { timeoutMs: 200, nothrow: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect((error as CommandTimeoutError).message).toBe('sleep 10 did not finish within 200 ms and was stopped');
    expect((error as CommandTimeoutError).exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('kills a command that ignores the TERM at its bound', async () => {
    const started = Date.now();
    const error = await runCommand(['sh', '-c', 'trap "" TERM; sleep 30'], { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect(Date.now() - started).toBeLessThan(200 + KILL_AFTER_MS + 3_000);
  });

  it('lets a command that ends within its bound end as it did', async () => {
    expect(await runCommand(['sh', '-c', 'sleep 0.1; exit 3'], { timeoutMs: 5_000, nothrow: true })).toMatchObject({ ok: false, exitCode: 3 });
  });
});
