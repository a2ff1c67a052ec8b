import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret, redactText } from '../src/secret';

const value = 'hunter2-very-secret';

describe('Secret', () => {
  const secret = new Secret('DATABASE_URL', value);

  it('reveals its value only on request', () => {
    expect(secret.reveal()).toBe(value);
  });

  it.each([
    ['String()', () => String(secret)],
    ['a template literal', () => `${secret}`],
    ['JSON.stringify', () => JSON.stringify({ nested: { secret } })],
    ['util.inspect', () => inspect({ secret }, { depth: 5, showHidden: true })],
    ['string concatenation', () => 'x' + secret],
  ])('prints as [redacted] through %s', (_, render) => {
    const text = render();
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(value);
  });

  it('redacts its value out of free text such as command output', () => {
    expect(redactText(`connect ${value} failed; ${value}`, [secret])).toBe('connect [redacted] failed; [redacted]');
  });
});
