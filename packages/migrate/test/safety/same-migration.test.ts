import { expect, test } from 'vitest';
import { where } from './support';

test('a table created in the same migration may be altered freely: it is empty and the old colour does not know it', async () => {
  const sql = [
    'CREATE TABLE public.coupons (id bigint, code text, shop_id int, amount int);',
    'CREATE INDEX coupons_code_idx ON coupons (code);',
    'ALTER TABLE coupons ADD COLUMN created_at timestamptz NOT NULL;',
    'ALTER TABLE coupons ADD COLUMN token uuid DEFAULT gen_random_uuid();',
    'ALTER TABLE coupons ALTER COLUMN code SET NOT NULL;',
    'ALTER TABLE coupons ALTER COLUMN amount TYPE bigint;',
    'ALTER TABLE coupons ADD PRIMARY KEY (id);',
    'ALTER TABLE coupons ADD CONSTRAINT coupons_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id);',
    'ALTER TABLE coupons ADD CONSTRAINT coupons_amount_positive CHECK (amount > 0);',
    'ALTER TABLE coupons RENAME COLUMN amount TO amount_cents;',
    'DROP INDEX coupons_code_idx;',
    'CREATE TABLE coupon_stats AS SELECT shop_id, count(*) AS n FROM coupons GROUP BY shop_id;',
    'CREATE INDEX coupon_stats_shop_idx ON coupon_stats (shop_id);',
    'DROP TABLE coupon_stats;',
  ].join('\n');
  expect(await where(sql)).toEqual([]);
});

test('only once it has been created: the same statements before CREATE TABLE are checked', async () => {
  const sql = ['CREATE INDEX coupons_code_idx ON coupons (code);', 'CREATE TABLE coupons (id bigint, code text);'].join('\n');
  expect(await where(sql)).toEqual(['1 index-not-concurrent']);
});

test('an index built in this migration on an existing table is no exemption for dropping it', async () => {
  const sql = ['-- switchyard: allow index-not-concurrent', 'CREATE INDEX products_tmp_idx ON products (name);', 'DROP INDEX products_tmp_idx;'].join('\n');
  expect(await where(sql)).toEqual(['3 index-not-concurrent']);
});

test('another schema is another table', async () => {
  const sql = ['CREATE TABLE archive.products (id bigint);', 'CREATE INDEX products_id_idx ON products (id);'].join('\n');
  expect(await where(sql)).toEqual(['2 index-not-concurrent']);
});
