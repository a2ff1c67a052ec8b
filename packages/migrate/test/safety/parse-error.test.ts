import { expect, test } from 'vitest';
import { check } from './support';

test('a parse error is one finding with the file, the line and the parser message, not a crash', async () => {
  const sql = ['-- Größe in cm 📏', 'CREATE TABLE sizes (id int); -- 🙂', `-- ${'🙂'.repeat(60)}`, '', 'ALTER TABLE sizes ADD COLUM height int;', 'CREATE INDEX sizes_idx ON products (x);'].join('\n');
  expect(await check(sql)).toEqual([
    {
      file: 'migrations/0002_test.sql',
      line: 5,
      rule: 'parse-error',
      message: 'syntax error at or near "int"',
      safeWay: 'fix the SQL: nothing else in this migration was checked',
    },
  ]);
});

test('an unterminated $$ body is reported where it starts', async () => {
  const sql = ['CREATE TABLE a (id int);', 'DO $$ BEGIN', '  PERFORM 1;', 'END;'].join('\n');
  expect((await check(sql)).map(({ line, rule, message }) => ({ line, rule, message }))).toEqual([
    { line: 2, rule: 'parse-error', message: expect.stringContaining('unterminated dollar-quoted string') },
  ]);
});

test('an empty migration, or one of comments only, has nothing to find', async () => {
  expect(await check('')).toEqual([]);
  expect(await check('-- nothing yet\n/* still nothing */\n')).toEqual([]);
});
