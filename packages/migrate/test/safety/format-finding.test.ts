import { expect, test } from 'vitest';
import { formatFinding } from '../../src/safety';
import { check } from './support';

test('one line: file:line: rule: what; the safe way, and how to override it on purpose', async () => {
  const [finding] = await check('-- index for the search page\n\n\nCREATE INDEX products_name_idx ON products (name);\n');
  expect(finding && formatFinding(finding)).toBe(
    'migrations/0002_test.sql:4: index-not-concurrent: CREATE INDEX on existing table "products" blocks writes to it while it builds; ' +
      'use CREATE INDEX CONCURRENTLY (or DROP INDEX, REINDEX … CONCURRENTLY) in a migration marked -- switchyard: no-transaction ' +
      '(or -- switchyard: allow index-not-concurrent on the line before)',
  );
});

test('a parse error cannot be allowed, so its line offers no override', async () => {
  const [finding] = await check('SELEC 1;');
  expect(finding && formatFinding(finding)).toBe(
    'migrations/0002_test.sql:1: parse-error: syntax error at or near "SELEC"; fix the SQL: nothing else in this migration was checked',
  );
});
