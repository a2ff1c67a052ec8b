import type { Readable, Writable } from 'node:stream';
import { SwitchyardError, UsageError } from '@switchyard/config';

/** What the prompt reads from and writes to: process.stdin and a terminal stream, or PassThroughs in a test. */
export interface PromptStreams {
  readonly input: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  readonly output: Writable;
}

const CTRL_C = '\u0003';
const BACKSPACES = new Set(['\u007f', '\b']);
// Arrow and function keys arrive as escape sequences; none of it belongs in a secret.
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-9;]*[A-Za-z~]|O.)?/g;

const endedError = (name: string) => new UsageError(`${name}: the input ended before a value was given`);

function readMasked(name: string, prompt: string, { input, output }: PromptStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    if (input.readableEnded) {
      reject(endedError(name));
      return;
    }
    // In raw mode the terminal neither echoes nor turns Ctrl-C into SIGINT: both are ours to do.
    const raw = input.isTTY === true && input.setRawMode !== undefined;
    const typed: string[] = [];
    const finish = (settle: () => void) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      if (raw) input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      settle();
    };
    const onData = (chunk: string) => {
      const text = chunk.replace(ESCAPE_SEQUENCE, '');
      for (let at = 0; at < text.length; ) {
        const char = String.fromCodePoint(text.codePointAt(at) ?? 0);
        at += char.length;
        if (char === '\r' || char === '\n') {
          if (char === '\r' && text[at] === '\n') at += 1;
          finish(() => resolve(typed.join('')));
          // Piped input may carry the next answers in the same chunk: leave them for the next
          // prompt. Only once paused: in flowing mode unshift hands the text straight back here.
          if (at < text.length) input.unshift(text.slice(at));
          return;
        }
        if (char === CTRL_C) {
          finish(() => reject(new SwitchyardError(`interrupted while asking for ${name}`, 130)));
          return;
        }
        if (BACKSPACES.has(char)) {
          if (typed.pop() !== undefined) output.write('\b \b');
        } else if (char >= ' ') {
          typed.push(char);
          output.write('*');
        }
      }
    };
    const onEnd = () => finish(() => reject(endedError(name)));
    const onError = (error: Error) => finish(() => reject(error));
    output.write(prompt);
    input.setEncoding('utf8');
    if (raw) input.setRawMode?.(true);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    input.resume();
  });
}

/**
 * Asks for a secret on the terminal, echoing '*' for each character typed. An empty answer is
 * asked again once (Enter pressed by mistake), then refused. Ctrl-C rejects with exit code 130
 * after the terminal is back in its normal mode.
 */
export async function promptSecret(name: string, description: readonly string[], streams: PromptStreams): Promise<string> {
  const prompt = description[0] === undefined || description[0] === '' ? `${name}: ` : `${name} (${description[0]}): `;
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const answer = await readMasked(name, prompt, streams);
    if (answer !== '') return answer;
    if (attempt === 1) streams.output.write(`${name} needs a value.\n`);
  }
  throw new UsageError(`${name}: no value given twice; pnpm dev:setup needs one (or set it in the environment)`);
}
