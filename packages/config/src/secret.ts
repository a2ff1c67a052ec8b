import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret's value, kept out of every printed form: string conversion, JSON and util.inspect
 * all show "[redacted]". Only `reveal()` gives the value, so each use is deliberate and greppable.
 */
export class Secret {
  readonly #value: string;

  constructor(
    readonly name: string,
    value: string,
  ) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Replaces every occurrence of any secret's value in a text (for logs and command output). */
export function redactText(text: string, secrets: Iterable<Secret>): string {
  let out = text;
  for (const secret of secrets) {
    const value = secret.reveal();
    // Very short values would redact innocent text everywhere and say little anyway.
    if (value.length >= 4) out = out.split(value).join(REDACTED);
  }
  return out;
}
