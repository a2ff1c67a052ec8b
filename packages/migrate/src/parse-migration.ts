import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { FileProblem } from './errors';
import type { Migration, MigrationSection } from './migration';
import { splitStatements } from './statements';

export const MIGRATION_NAME = /^\d{4}_[a-z0-9][a-z0-9_]*\.sql$/;

const MARKER = /^--\s*migrate:(\S*)\s*$/;
const DIRECTIVE = /^--\s*switchyard:\s*(.*?)\s*$/;
const DIRECTIVES = ['contract', 'no-transaction'];

type Parsed = { migration: Migration; problems?: undefined } | { migration?: undefined; problems: FileProblem[] };

/**
 * Reads one migration file's bytes: `-- switchyard:` directives in the header, then the SQL after
 * `-- migrate:up` and, optionally, after `-- migrate:down`. Every problem in the file is returned,
 * each at its line.
 */
export function parseMigration(path: string, bytes: Uint8Array): Parsed {
  const file = basename(path);
  if (!MIGRATION_NAME.test(file)) {
    const message = 'expected a name like 0001_create_products.sql: four digits, "_", then lower-case letters, digits and "_"';
    return { problems: [{ path, message }] };
  }
  const problems: FileProblem[] = [];
  const problem = (line: number, message: string) => problems.push({ path, line, message });
  // An editor's byte-order mark would hide a first-line marker; CRLF files read like LF ones (the checksum keeps the bytes).
  const lines = Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const directives = new Set<string>();
  const sections: { up?: number; down?: number } = {};
  let current: 'header' | 'up' | 'down' = 'header';
  lines.forEach((text, index) => {
    const line = index + 1;
    const marker = MARKER.exec(text)?.[1];
    const directive = DIRECTIVE.exec(text)?.[1];
    if (marker === 'up' || marker === 'down') {
      if (sections[marker] !== undefined) problem(line, `a second "-- migrate:${marker}" (the first is at line ${sections[marker]})`);
      else if (marker === 'down' && current === 'header') problem(line, '"-- migrate:down" before "-- migrate:up"');
      else {
        sections[marker] = line;
        current = marker;
      }
    } else if (marker !== undefined) problem(line, `unknown section "-- migrate:${marker}": expected "-- migrate:up" or "-- migrate:down"`);
    else if (directive !== undefined) {
      // The safety check's own comment, read by it on the line before the statement it allows.
      const allows = /^allow(\s|$)/.test(directive);
      if (allows && current === 'header') problem(line, '"-- switchyard: allow RULE" goes on the line before the statement it allows, in the up section');
      else if (allows) return;
      else if (current !== 'header') problem(line, '"-- switchyard:" directives belong in the header, before "-- migrate:up"');
      else if (!DIRECTIVES.includes(directive)) problem(line, `unknown directive "${directive}": expected one of ${DIRECTIVES.join(', ')}`);
      else directives.add(directive);
    } else if (current === 'header' && text.trim() && !text.trimStart().startsWith('--')) {
      problem(line, 'SQL before "-- migrate:up": every statement belongs to the up or the down section');
    }
  });
  const section = (from: number | undefined, to: number | undefined): MigrationSection | undefined => {
    if (from === undefined) return undefined;
    const sql = lines.slice(from, to === undefined ? lines.length : to - 1).join('\n');
    const statements = splitStatements(sql, from + 1);
    return statements.length > 0 ? { sql, line: from + 1, statements } : undefined;
  };
  const up = section(sections.up, sections.down);
  if (sections.up === undefined) problems.push({ path, message: 'no "-- migrate:up" line: the SQL to apply follows one' });
  else if (!up) problem(sections.up, '"-- migrate:up" has no SQL statement after it');
  if (!up || problems.length > 0) return { problems };
  const down = section(sections.down, undefined);
  return {
    migration: {
      name: file.slice(0, -'.sql'.length),
      path,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      phase: directives.has('contract') ? 'contract' : 'expand',
      transaction: !directives.has('no-transaction'),
      up,
      ...(down ? { down } : {}),
    },
  };
}
