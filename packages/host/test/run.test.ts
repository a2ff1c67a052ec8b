import { describe, expect, it, vi } from 'vitest';
import { CommandError } from '../src/errors';
import { runCommand } from '../src/run';
import { tempDir } from './helpers';

describe('runCommand', () => {
  it('passes each element as one argument, with no shell interpretation', async () => {
    const tricky = ['a b', '"quoted"', "it's", '$HOME', '`id`', '; echo injected', '*'];
    const result = await runCommand(['printf', '%s\\n', ...tricky]);
    expect(result.stdout.split('\n').slice(0, -1)).toEqual(tricky);
  });

  it('passes secrets through the environment, and can withhold the inherited one', async () => {
    const withEnv = await runCommand(['sh', '-c', 'printf %s "$SECRET_TOKEN"'], { env: { SECRET_TOKEN: 's3cr3t' } });
    expect(withEnv.stdout).toBe('s3cr3t');
    const clean = await runCommand(['sh', '-c', 'printf "%s|%s" "$HOME" "$X"'], { env: { X: '1' }, inheritEnv: false });
    expect(clean.stdout).toBe('|1');
  });

  it('runs in cwd and feeds input', async () => {
    const dir = await tempDir();
    expect((await runCommand(['pwd'], { cwd: dir })).stdout.trim()).toBe(dir);
    expect((await runCommand(['cat'], { input: 'hello' })).stdout).toBe('hello');
  });

  it('throws CommandError naming the command and its stderr, or returns the failure with nothrow', async () => {
    const error = await runCommand(['sh', '-c', 'echo broken >&2; exit 4']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).exitCode).toBe(1);
    expect((error as CommandError).message).toBe('sh -c echo broken >&2; exit 4 exited with 4:\nbroken');
    const result = await runCommand(['sh', '-c', 'exit 4'], { nothrow: true });
    expect(result).toMatchObject({ ok: false, exitCode: 4 });
  });

  it('prints nothing of the command or its output', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    await runCommand(['sh', '-c', 'echo out; echo err >&2; exit 3'], { nothrow: true });
    await runCommand(['echo', 'visible?']);
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('kills a command that outlives its timeout', async () => {
    const started = Date.now();
    const result = await runCommand(['sleep', '10'], { timeoutMs: 200, nothrow: true });
    expect(result.ok).toBe(false);
    expect(result.signal).toBe('SIGTERM');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
