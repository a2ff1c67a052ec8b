import { expect, test } from 'vitest';
import { where } from './support';

const renamesAndDrops = [
  'ALTER TABLE products RENAME COLUMN name TO title;',
  'ALTER TABLE products DROP COLUMN legacy_code;',
  'ALTER TABLE product_imports RENAME TO product_imports_old;',
  'DROP TABLE product_imports_old;',
  'DROP MATERIALIZED VIEW IF EXISTS product_totals;',
].join('\n');

test('an expand migration may not rename or drop: the old colour still uses it', async () => {
  expect(await where(renamesAndDrops, { phase: 'expand' })).toEqual([1, 2, 3, 4, 5].map((line) => `${line} rename-or-drop-in-expand`));
});

test('a contract migration may: the old colour has stopped', async () => {
  expect(await where(renamesAndDrops, { phase: 'contract' })).toEqual([]);
});

test('a contract migration still may not lock a busy table', async () => {
  const sql = [
    'ALTER TABLE products DROP COLUMN legacy_code;',
    'DROP INDEX products_legacy_code_idx;',
    'ALTER TABLE products ALTER COLUMN sku SET NOT NULL;',
    'ALTER TABLE products ALTER COLUMN price TYPE bigint;',
    'ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);',
  ].join('\n');
  expect(await where(sql, { phase: 'contract' })).toEqual([
    '2 index-not-concurrent',
    '3 set-not-null',
    '4 column-type-change',
    '5 unique-or-primary-key-direct',
  ]);
});

test('CONCURRENTLY is refused in a transaction and accepted without one, in either phase', async () => {
  const sql = 'DROP INDEX CONCURRENTLY IF EXISTS products_legacy_code_idx;';
  expect(await where(sql, { phase: 'contract', transaction: true })).toEqual(['1 concurrent-in-transaction']);
  expect(await where(sql, { phase: 'contract', transaction: false })).toEqual([]);
  expect(await where(sql, { phase: 'expand', transaction: false })).toEqual([]);
});
