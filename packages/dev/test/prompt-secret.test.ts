import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SwitchyardError, UsageError } from '@switchyard/config';
import { promptSecret } from '../src/prompt-secret';

function streams(tty = false) {
  const rawModes: boolean[] = [];
  const input = Object.assign(new PassThrough(), tty ? { isTTY: true, setRawMode: (raw: boolean) => rawModes.push(raw) } : {});
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  return { input, output, rawModes, shown: () => shown };
}

describe('promptSecret', () => {
  it('shows the name and the first line of the description, echoes only stars and returns the value', async () => {
    const io = streams();
    const answer = promptSecret('SESSION_SECRET', ['Signs cookies.', 'Second line.'], io);
    io.input.write('hunter 2');
    io.input.write('\r');
    await expect(answer).resolves.toBe('hunter 2');
    expect(io.shown()).toBe('SESSION_SECRET (Signs cookies.): ********\n');
  });

  it('rubs out a character on backspace, and does nothing on an empty line', async () => {
    const io = streams();
    const answer = promptSecret('X', [], io);
    io.input.write('\u007fab\u007f\u007fc\bd\u001b[D\n');
    await expect(answer).resolves.toBe('d');
    expect(io.shown()).toBe('X: **\b \b\b \b*\b \b*\n');
  });

  it('puts the terminal in raw mode and back, and turns Ctrl-C into exit code 130', async () => {
    const io = streams(true);
    const answer = promptSecret('DATABASE_URL', ['URL.'], io);
    io.input.write('abc\u0003');
    const error = await answer.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).exitCode).toBe(130);
    expect(io.rawModes).toEqual([true, false]);
    expect(io.input.isPaused()).toBe(true);
  });

  it('asks again after an empty answer, then gives up naming the secret', async () => {
    const again = streams();
    const answered = promptSecret('A', [], again);
    again.input.write('\nvalue\n');
    await expect(answered).resolves.toBe('value');
    expect(again.shown()).toBe('A: \nA needs a value.\nA: *****\n');

    const twice = streams();
    const refused = promptSecret('STAGING_PASSWORD', [], twice);
    twice.input.write('\n\n');
    const error = await refused.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^STAGING_PASSWORD: no value given twice/);
  });

  it('leaves the rest of piped input to the next question, and fails when the input ends', async () => {
    const io = streams();
    io.input.end('first\r\nsecond\n');
    await expect(promptSecret('A', [], io)).resolves.toBe('first');
    await expect(promptSecret('B', [], io)).resolves.toBe('second');
    await expect(promptSecret('C', [], io)).rejects.toThrow('C: the input ended before a value was given');
  });
});
