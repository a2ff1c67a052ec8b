import { describe, expect, test } from 'vitest';
import { RULES, type RuleId } from '../../src/safety';
import { check, where } from './support';

interface Case {
  rule: RuleId;
  what: string;
  statement: string;
  transaction?: boolean;
  /** Statements before it, e.g. the ADD CONSTRAINT that a VALIDATE follows. */
  before?: string;
}

/** Each statement breaks exactly one rule; it follows a comment line so its line is known. */
const CASES: Case[] = [
  { rule: 'index-not-concurrent', what: 'CREATE INDEX', statement: 'CREATE INDEX products_name_idx ON products (name);' },
  { rule: 'index-not-concurrent', what: 'CREATE UNIQUE INDEX', statement: 'CREATE UNIQUE INDEX products_sku_idx ON public.products (sku);' },
  { rule: 'index-not-concurrent', what: 'DROP INDEX', statement: 'DROP INDEX products_name_idx;' },
  { rule: 'index-not-concurrent', what: 'REINDEX', statement: 'REINDEX INDEX products_name_idx;' },
  { rule: 'concurrent-in-transaction', what: 'CREATE INDEX CONCURRENTLY', statement: 'CREATE INDEX CONCURRENTLY products_name_idx ON products (name);' },
  { rule: 'concurrent-in-transaction', what: 'DROP INDEX CONCURRENTLY', statement: 'DROP INDEX CONCURRENTLY products_name_idx;' },
  { rule: 'volatile-default', what: 'clock_timestamp()', statement: 'ALTER TABLE products ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();' },
  { rule: 'volatile-default', what: 'gen_random_uuid()', statement: 'ALTER TABLE products ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();' },
  { rule: 'volatile-default', what: 'random() inside an expression', statement: 'ALTER TABLE products ADD COLUMN shard int DEFAULT (floor(random() * 16))::int;' },
  { rule: 'volatile-default', what: 'a bigserial column', statement: 'ALTER TABLE products ADD COLUMN position bigserial NOT NULL;' },
  { rule: 'volatile-default', what: 'an identity column', statement: 'ALTER TABLE products ADD COLUMN number bigint GENERATED ALWAYS AS IDENTITY;' },
  { rule: 'volatile-default', what: 'a stored generated column', statement: 'ALTER TABLE products ADD COLUMN total numeric GENERATED ALWAYS AS (price * quantity) STORED;' },
  { rule: 'set-not-null', what: 'SET NOT NULL', statement: 'ALTER TABLE products ALTER COLUMN name SET NOT NULL;' },
  { rule: 'set-not-null', what: "PostgreSQL 18's ADD CONSTRAINT … NOT NULL", statement: 'ALTER TABLE products ADD CONSTRAINT products_name_nn NOT NULL name;' },
  { rule: 'column-type-change', what: 'ALTER COLUMN … TYPE', statement: 'ALTER TABLE products ALTER COLUMN price TYPE numeric(12, 2) USING price::numeric;' },
  { rule: 'rename-or-drop-in-expand', what: 'RENAME COLUMN', statement: 'ALTER TABLE products RENAME COLUMN name TO title;' },
  { rule: 'rename-or-drop-in-expand', what: 'RENAME TO', statement: 'ALTER TABLE products RENAME TO items;' },
  { rule: 'rename-or-drop-in-expand', what: 'DROP COLUMN', statement: 'ALTER TABLE products DROP COLUMN legacy_code;' },
  { rule: 'rename-or-drop-in-expand', what: 'DROP TABLE', statement: 'DROP TABLE IF EXISTS product_imports;' },
  { rule: 'rename-or-drop-in-expand', what: 'DROP VIEW', statement: 'DROP VIEW product_totals;' },
  { rule: 'constraint-not-valid', what: 'a FOREIGN KEY', statement: 'ALTER TABLE orders ADD CONSTRAINT orders_product_fk FOREIGN KEY (product_id) REFERENCES products (id);' },
  { rule: 'constraint-not-valid', what: 'a CHECK', statement: 'ALTER TABLE products ADD CONSTRAINT products_price_positive CHECK (price > 0);' },
  { rule: 'constraint-not-valid', what: 'a CHECK on a new column', statement: 'ALTER TABLE products ADD COLUMN weight int CHECK (weight >= 0);' },
  { rule: 'constraint-not-valid', what: 'REFERENCES on a new column with a default', statement: 'ALTER TABLE orders ADD COLUMN shop_id int DEFAULT 1 REFERENCES shops (id);' },
  {
    rule: 'validate-in-same-transaction',
    what: 'VALIDATE after ADD … NOT VALID',
    before: 'ALTER TABLE products ADD CONSTRAINT products_price_positive CHECK (price > 0) NOT VALID;',
    statement: 'ALTER TABLE products VALIDATE CONSTRAINT products_price_positive;',
  },
  { rule: 'unique-or-primary-key-direct', what: 'ADD UNIQUE', statement: 'ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);' },
  { rule: 'unique-or-primary-key-direct', what: 'ADD PRIMARY KEY', statement: 'ALTER TABLE order_lines ADD PRIMARY KEY (order_id, line);' },
  { rule: 'unique-or-primary-key-direct', what: 'a UNIQUE new column', statement: 'ALTER TABLE products ADD COLUMN slug text UNIQUE;' },
  { rule: 'not-null-without-default', what: 'ADD COLUMN … NOT NULL', statement: 'ALTER TABLE products ADD COLUMN currency char(3) NOT NULL;' },
];

function migration({ before, statement }: Case, allow?: string): string {
  return ['-- migration under test', ...(before === undefined ? [] : [before]), ...(allow === undefined ? [] : [allow]), statement, ''].join('\n');
}

describe('every rule is caught, with the file, the line and the rule', () => {
  test.each(CASES)('$rule: $what', async (item) => {
    const line = item.before === undefined ? 2 : 3;
    const findings = await check(migration(item), { transaction: item.transaction ?? true });
    expect(findings).toEqual([{ file: 'migrations/0002_test.sql', line, rule: item.rule, message: expect.any(String), safeWay: RULES[item.rule] }]);
  });

  test('every rule has a case', () => {
    expect(new Set(CASES.map((item) => item.rule))).toEqual(new Set(Object.keys(RULES)));
  });
});

describe('-- switchyard: allow RULE on the line before overrides that rule for that statement', () => {
  test.each(CASES)('$rule: $what', async (item) => {
    expect(await check(migration(item, `-- switchyard: allow ${item.rule}`))).toEqual([]);
  });

  const twoRules = 'ALTER TABLE products ADD COLUMN currency char(3) NOT NULL, ADD COLUMN token uuid DEFAULT gen_random_uuid();';

  test('several rules, comma-separated', async () => {
    expect(await where(twoRules)).toEqual(['1 not-null-without-default', '1 volatile-default']);
    expect(await where(`-- switchyard: allow not-null-without-default, volatile-default\n${twoRules}`)).toEqual([]);
    expect(await where(`-- switchyard: allow volatile-default\n${twoRules}`)).toEqual(['2 not-null-without-default']);
  });

  test('only for the statement that follows, not the next one', async () => {
    const sql = ['-- switchyard: allow index-not-concurrent', 'CREATE INDEX a_idx ON products (a);', 'CREATE INDEX b_idx ON products (b);'].join('\n');
    expect(await where(sql)).toEqual(['3 index-not-concurrent']);
  });

  test('not from the end of the line before, which belongs to the statement there', async () => {
    const sql = ['CREATE INDEX a_idx ON products (a); -- switchyard: allow index-not-concurrent', 'CREATE INDEX b_idx ON products (b);'].join('\n');
    expect(await where(sql)).toEqual(['1 index-not-concurrent', '2 index-not-concurrent']);
  });

  test('from any line of the comment block directly above, but not across a blank line', async () => {
    const block = ['-- switchyard: allow index-not-concurrent', '-- products has 40 rows: the lock is brief', '/* and it is read-only */', 'CREATE INDEX a_idx ON products (a);'];
    expect(await where(block.join('\n'))).toEqual([]);
    expect(await where(['-- switchyard: allow index-not-concurrent', '', 'CREATE INDEX a_idx ON products (a);'].join('\n'))).toEqual(['3 index-not-concurrent']);
  });

  test('not from text that only looks like a comment inside a string or a function body', async () => {
    const sql = [
      "INSERT INTO notes (body) VALUES ('",
      "-- switchyard: allow index-not-concurrent');",
      'CREATE INDEX a_idx ON products (a);',
    ].join('\n');
    expect(await where(sql)).toEqual(['3 index-not-concurrent']);
  });
});

test('the line is the first line of a statement that spans several, after multi-byte text and $$ bodies', async () => {
  const sql = [
    '-- Prix en €, déjà validés 🙂',
    'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$',
    'BEGIN',
    "  NEW.note := 'CREATE INDEX x ON y (z); -- not a statement';",
    '  RETURN NEW;',
    'END $$;',
    '',
    'ALTER TABLE products',
    '  ADD COLUMN label text,',
    '  ALTER COLUMN name SET NOT NULL;',
  ].join('\n');
  expect(await where(sql)).toEqual(['8 set-not-null']);
});

test('a constant or STABLE default is no rewrite (PostgreSQL 11+)', async () => {
  const sql = [
    "ALTER TABLE products ADD COLUMN status text NOT NULL DEFAULT 'active';",
    'ALTER TABLE products ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();',
    'ALTER TABLE products ADD COLUMN updated_at timestamptz DEFAULT CURRENT_TIMESTAMP;',
    "ALTER TABLE products ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb;",
    'ALTER TABLE products ADD COLUMN origin_id int REFERENCES origins (id);',
  ].join('\n');
  expect(await where(sql)).toEqual([]);
});

test('SET NOT NULL after a validated CHECK (column IS NOT NULL) is safe', async () => {
  const sameMigration = [
    'ALTER TABLE products ADD CONSTRAINT products_name_nn CHECK (name IS NOT NULL) NOT VALID;',
    'ALTER TABLE products VALIDATE CONSTRAINT products_name_nn;',
    'ALTER TABLE products ALTER COLUMN name SET NOT NULL;',
    'ALTER TABLE products ALTER COLUMN sku SET NOT NULL;',
  ].join('\n');
  expect(await where(sameMigration, { transaction: false })).toEqual(['4 set-not-null']);
  const laterMigration = ['ALTER TABLE products VALIDATE CONSTRAINT products_name_nn;', 'ALTER TABLE products ALTER COLUMN name SET NOT NULL;'].join('\n');
  expect(await where(laterMigration)).toEqual([]);
});
