import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MigrationFileError } from '../src/errors';
import { parseMigration } from '../src/parse-migration';
import { readMigrationFolder } from '../src/read-folder';

const parse = (name: string, text: string) => parseMigration(`migrations/${name}`, Buffer.from(text));

describe('parseMigration', () => {
  it('reads directives, the up SQL with its line, and the down SQL', () => {
    const text = '-- switchyard: contract\n-- why: the old colour reads name\n-- migrate:up\nALTER TABLE products\n  DROP COLUMN name;\n-- migrate:down\nALTER TABLE products ADD COLUMN name text;\n';
    const { migration } = parse('0003_drop_name.sql', text);
    expect(migration).toMatchObject({
      name: '0003_drop_name',
      path: 'migrations/0003_drop_name.sql',
      phase: 'contract',
      transaction: true,
      up: { line: 4, statements: [{ line: 4, sql: 'ALTER TABLE products\n  DROP COLUMN name' }] },
      down: { line: 7, statements: [{ line: 7 }] },
    });
    expect(migration?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parse('0004_index.sql', '-- switchyard: no-transaction\n-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (x);').migration).toMatchObject({
      phase: 'expand',
      transaction: false,
    });
  });

  it('reads a file with a byte-order mark and CRLF line ends like any other', () => {
    expect(parse('0001_a.sql', '\uFEFF-- migrate:up\r\nSELECT 1;\r\n-- migrate:down\r\nSELECT 2;\r\n').migration).toMatchObject({
      up: { line: 2, statements: [{ sql: 'SELECT 1', line: 2 }] },
      down: { line: 4, statements: [{ sql: 'SELECT 2', line: 4 }] },
    });
  });

  it('treats an empty down section as none: the migration cannot be reverted', () => {
    expect(parse('0001_a.sql', '-- migrate:up\nSELECT 1;\n-- migrate:down\n-- nothing to undo\n').migration?.down).toBeUndefined();
  });

  it("keeps the safety check's allow comments in the SQL, where they stand before a statement; refuses one in the header", () => {
    const text = ['-- migrate:up', '-- switchyard: allow index-not-concurrent (the table is empty)', 'CREATE INDEX a_b ON a (b);'].join('\n');
    expect(parse('0001_a.sql', text).migration?.up.sql).toContain('-- switchyard: allow index-not-concurrent');
    expect(parse('0001_a.sql', `-- switchyard: allow index-not-concurrent\n${text}`).problems).toEqual([
      { path: 'migrations/0001_a.sql', line: 1, message: '"-- switchyard: allow RULE" goes on the line before the statement it allows, in the up section' },
    ]);
  });

  it('names every problem of a file at its line', () => {
    const text = [
      'SELECT 0;',
      '-- switchyard: contarct',
      '-- migrate:down',
      '-- migrate:up',
      '-- switchyard: contract',
      'SELECT 1;',
      '-- migrate:sideways',
      '-- migrate:up',
    ].join('\n');
    expect(parse('0001_a.sql', text).problems).toEqual([
      { path: 'migrations/0001_a.sql', line: 1, message: 'SQL before "-- migrate:up": every statement belongs to the up or the down section' },
      { path: 'migrations/0001_a.sql', line: 2, message: 'unknown directive "contarct": expected one of contract, no-transaction' },
      { path: 'migrations/0001_a.sql', line: 3, message: '"-- migrate:down" before "-- migrate:up"' },
      { path: 'migrations/0001_a.sql', line: 5, message: '"-- switchyard:" directives belong in the header, before "-- migrate:up"' },
      { path: 'migrations/0001_a.sql', line: 7, message: 'unknown section "-- migrate:sideways": expected "-- migrate:up" or "-- migrate:down"' },
      { path: 'migrations/0001_a.sql', line: 8, message: 'a second "-- migrate:up" (the first is at line 4)' },
    ]);
  });

  it('refuses a file without up SQL and a name that is not NNNN_name.sql', () => {
    expect(parse('0001_a.sql', 'CREATE TABLE a ();').problems?.map((p) => p.message)).toContain('no "-- migrate:up" line: the SQL to apply follows one');
    expect(parse('0001_a.sql', '-- migrate:up\n-- later\n').problems).toEqual([
      { path: 'migrations/0001_a.sql', line: 1, message: '"-- migrate:up" has no SQL statement after it' },
    ]);
    for (const name of ['1_a.sql', '0001-a.sql', '0001_A.sql', '00001_a.sql', '0001_.sql']) {
      expect(parse(name, '-- migrate:up\nSELECT 1;').problems?.[0]?.message, name).toMatch(/^expected a name like 0001_create_products\.sql/);
    }
  });
});

describe('readMigrationFolder', () => {
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-migrations-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('gives the .sql files sorted by name and leaves other files alone', async () => {
    const dir = folder({ '0002_b.sql': '-- migrate:up\nSELECT 2;', '0001_a.sql': '-- migrate:up\nSELECT 1;', 'README.md': '# notes' });
    expect((await readMigrationFolder(dir)).map((m) => [m.name, m.path])).toEqual([
      ['0001_a', join(dir, '0001_a.sql')],
      ['0002_b', join(dir, '0002_b.sql')],
    ]);
  });

  it('reports every bad file at once', async () => {
    const dir = folder({ 'add_price.sql': '-- migrate:up\nSELECT 1;', '0001_a.sql': '-- switchyard: later\n-- migrate:up\nSELECT 1;' });
    const error = await readMigrationFolder(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationFileError);
    expect((error as Error).message.split('\n')).toEqual([
      `${join(dir, '0001_a.sql')}:1: unknown directive "later": expected one of contract, no-transaction`,
      `${join(dir, 'add_price.sql')}: expected a name like 0001_create_products.sql: four digits, "_", then lower-case letters, digits and "_"`,
    ]);
    await expect(readMigrationFolder(join(dir, 'nope'))).rejects.toThrow(`${join(dir, 'nope')}: cannot read the migrations folder (ENOENT)`);
  });
});
