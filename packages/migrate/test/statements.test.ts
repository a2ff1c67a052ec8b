import { describe, expect, it } from 'vitest';
import { splitStatements } from '../src/statements';

const split = (sql: string, firstLine = 1) => splitStatements(sql, firstLine).map(({ sql: text, line }) => [line, text]);

describe('splitStatements', () => {
  it('splits at semicolons and gives each statement the line of the file it starts on', () => {
    const sql = '\n-- the table\nCREATE TABLE a (id int);\n\nINSERT INTO a VALUES (1);  INSERT INTO a\n  VALUES (2)\n';
    expect(split(sql, 10)).toEqual([
      [12, 'CREATE TABLE a (id int)'],
      [14, 'INSERT INTO a VALUES (1)'],
      [14, 'INSERT INTO a\n  VALUES (2)'],
    ]);
  });

  it('keeps semicolons inside strings, quoted names, comments and dollar-quoted bodies', () => {
    const sql = [
      "INSERT INTO t VALUES ('a;b', 'it''s;', E'\\';', \"odd;name\");",
      '/* a; /* nested; */ still; */ SELECT 1;',
      'CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;',
      'SELECT $$;$$, a$b$c FROM t WHERE x = $1; -- trailing; comment',
    ].join('\n');
    expect(split(sql).map(([line]) => line)).toEqual([1, 2, 3, 4]);
    expect(split(sql)[2]?.[1]).toContain('RETURN 1; END; $body$ LANGUAGE plpgsql');
    expect(split(sql)[3]?.[1]).toBe('SELECT $$;$$, a$b$c FROM t WHERE x = $1');
  });

  it('keeps a BEGIN ATOMIC routine body whole, as psql does', () => {
    const sql = [
      'CREATE OR REPLACE FUNCTION g(x int) RETURNS int LANGUAGE sql',
      'BEGIN ATOMIC',
      '  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;',
      '  SELECT 2;',
      'END;',
      'SELECT g(1);',
    ].join('\n');
    expect(split(sql).map(([line]) => line)).toEqual([1, 6]);
  });

  it('gives nothing for only comments and blank lines, and keeps a last statement without a semicolon', () => {
    expect(split('-- nothing\n\n/* here */\n;;')).toEqual([]);
    expect(split('SELECT 1;\nSELECT 2')).toEqual([
      [1, 'SELECT 1'],
      [2, 'SELECT 2'],
    ]);
  });
});
