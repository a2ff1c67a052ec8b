import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { UsageError } from '@switchyard/config';
import { appendEnvValues } from '../src/env-local-file';
import { tempProject } from './temp-project';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('appendEnvValues', () => {
  it('creates the file with mode 0600, each value under its description', () => {
    const file = join(tempProject({}), '.env.local');
    const written = appendEnvValues(file, [
      { name: 'SESSION_SECRET', description: ['Signs cookies.', '', 'Random.'], value: 'a1' },
      { name: 'DATABASE_URL', description: [], value: 'postgres://x' },
    ]);
    expect(written).toEqual({ modeFixedFrom: undefined });
    expect(mode(file)).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe("# Signs cookies.\n#\n# Random.\nSESSION_SECRET='a1'\n\nDATABASE_URL='postgres://x'\n");
    expect(readdirSync(join(file, '..'))).toEqual(['.env.local']);
  });

  it('keeps every existing byte and lets the new value win over an empty assignment', () => {
    const before = '# mine\nKEEP = "spaced value" # note\nSESSION_SECRET=\n\u00e9t\u00e9=\u00ff';
    const root = tempProject({ '.env.local': before });
    const file = join(root, '.env.local');
    appendEnvValues(file, [{ name: 'SESSION_SECRET', description: ['Signs cookies.'], value: 'new' }]);
    const after = readFileSync(file, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toBe("\n\n# Signs cookies.\nSESSION_SECRET='new'\n");
    expect(parse(after)).toMatchObject({ KEEP: 'spaced value', SESSION_SECRET: 'new' });
  });

  it('writes values that dotenv parses back exactly', () => {
    const values = ['  leading and trailing  ', 'has#hash and # comment', 'ends with a backslash\\', '$HOME ${X} = \\n é ✓', 'a'.repeat(64)];
    const file = join(tempProject({}), '.env.local');
    appendEnvValues(file, values.map((value, index) => ({ name: `V${index}`, description: ['x'], value })));
    expect(Object.values(parse(readFileSync(file)))).toEqual(values);
  });

  it.each([['line\nbreak'], ['carriage\rreturn'], ["single'"], ['double"'], ['back`tick']])('refuses %j and writes nothing, without showing it', (value) => {
    const root = tempProject({ '.env.local': 'A=1\n' });
    const file = join(root, '.env.local');
    let error: unknown;
    try {
      appendEnvValues(file, [{ name: 'OK', description: [], value: 'fine' }, { name: 'BAD', description: [], value }]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toContain(`${file}: the value given for BAD`);
    expect((error as Error).message).not.toContain(value);
    expect(readFileSync(file, 'utf8')).toBe('A=1\n');
  });

  it('narrows a wider mode to 0600 and says what it was, with or without new values', () => {
    const root = tempProject({ '.env.local': { text: 'A=1\n', mode: 0o644 }, '.env.other': { text: 'B=1\n', mode: 0o640 } });
    expect(appendEnvValues(join(root, '.env.local'), [])).toEqual({ modeFixedFrom: 0o644 });
    expect(mode(join(root, '.env.local'))).toBe(0o600);
    expect(readFileSync(join(root, '.env.local'), 'utf8')).toBe('A=1\n');
    expect(appendEnvValues(join(root, '.env.other'), [{ name: 'C', description: [], value: '2' }])).toEqual({ modeFixedFrom: 0o640 });
    expect(mode(join(root, '.env.other'))).toBe(0o600);
    expect(appendEnvValues(join(root, '.env.other'), [])).toEqual({ modeFixedFrom: undefined });
  });
});
