import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../src/json-source';

describe('parseJsonText', () => {
  it('places a syntax error at its line and column', () => {
    const result = parseJsonText('{\n  "app": "shop",\n  "keep" 5\n}');
    expect(result).toMatchObject({ ok: false, line: 3, column: 10 });
  });

  it('places a truncated file at its end', () => {
    expect(parseJsonText('{\n  "app": ')).toMatchObject({ ok: false, line: 2, column: 10 });
  });

  it('calls an empty file empty', () => {
    expect(parseJsonText('  \n')).toMatchObject({ ok: false, reason: 'the file is empty; expected a JSON object' });
  });
});
