import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../src/json-source';

const VALUE = 'a value (a string in double quotes, a number, true, false, null, an object or an array)';

describe('parseJsonText', () => {
  it('reads strict JSON', () => {
    expect(parseJsonText('{"a": [1, {"b": null}], "c": "\\u00e9"}')).toEqual({ ok: true, value: { a: [1, { b: null }], c: 'é' } });
  });

  it('places a syntax error at its line and column', () => {
    const result = parseJsonText('{\n  "app": "shop",\n  "keep" 5\n}');
    expect(result).toEqual({ ok: false, line: 3, column: 10, reason: 'invalid JSON: expected a colon after the property name' });
  });

  it('places a truncated file at its end', () => {
    expect(parseJsonText('{\n  "app": ')).toEqual({ ok: false, line: 2, column: 10, reason: `invalid JSON: the file ends where ${VALUE} was expected` });
  });

  it('places an unquoted value where it starts, and never quotes it', () => {
    // Node 20's JSON.parse gives no position for this one (it was reported at the end of the file)
    // and quotes the text around it.
    const result = parseJsonText('{\n  "db": "main",\n  "password": hunter2-not-quoted,\n  "keep": 5\n}');
    expect(result).toEqual({ ok: false, line: 3, column: 15, reason: `invalid JSON: expected ${VALUE}` });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('says which comma or bracket was expected', () => {
    expect(parseJsonText('{\n  "a": 1\n  "b": 2\n}')).toMatchObject({ line: 3, column: 3, reason: 'invalid JSON: expected a comma or }' });
    expect(parseJsonText('{"a": [1 2]}')).toMatchObject({ line: 1, column: 10, reason: 'invalid JSON: expected a comma or ]' });
    expect(parseJsonText('{"a": [1, 2}')).toMatchObject({ reason: 'invalid JSON: expected a comma or ]' });
    expect(parseJsonText('{"a": [1, 2')).toMatchObject({ column: 12, reason: 'invalid JSON: the file ends inside an array; expected a comma or ]' });
    expect(parseJsonText('[{"a": 1')).toMatchObject({ column: 9, reason: 'invalid JSON: the file ends inside an object; expected a comma or }' });
  });

  it('asks for double-quoted property names', () => {
    expect(parseJsonText("{ 'app': 'shop' }")).toMatchObject({ line: 1, column: 3, reason: 'invalid JSON: expected a property name in double quotes' });
    expect(parseJsonText('{ app: 1 }')).toMatchObject({ column: 3, reason: 'invalid JSON: expected a property name in double quotes' });
  });

  it('refuses comments and trailing commas, saying the file is strict JSON, and places a trailing comma on itself', () => {
    expect(parseJsonText('{\n  // why\n  "a": 1\n}')).toMatchObject({
      line: 2,
      column: 3,
      reason: 'invalid JSON: a comment, which strict JSON does not allow',
    });
    expect(parseJsonText('{\n  "a": [1, 2,],\n  "b": 1\n}')).toMatchObject({
      line: 2,
      column: 13,
      reason: 'invalid JSON: a trailing comma before ], which strict JSON does not allow',
    });
    expect(parseJsonText('{\n  "a": 1,\n}\n')).toMatchObject({ line: 2, column: 9, reason: 'invalid JSON: a trailing comma before }, which strict JSON does not allow' });
  });

  it('names text after the value', () => {
    expect(parseJsonText('{"a": 1}\n}')).toMatchObject({ line: 2, column: 1, reason: 'invalid JSON: more text after the JSON value; expected the end of the file' });
  });

  it('refuses nesting deep enough to overflow the parser, at the level that goes too deep', () => {
    expect(parseJsonText('['.repeat(20_000))).toEqual({ ok: false, line: 1, column: 101, reason: 'an object or array nested more than 100 levels deep' });
    expect(parseJsonText(`{"a": "${'['.repeat(200)}"}`)).toMatchObject({ ok: true });
  });

  it('calls an empty file empty', () => {
    expect(parseJsonText('  \n')).toMatchObject({ ok: false, reason: 'the file is empty; expected a JSON object' });
  });
});
