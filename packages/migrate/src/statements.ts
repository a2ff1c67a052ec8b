/** One SQL statement of a migration, and the line of the file it starts on. */
export interface Statement {
  readonly sql: string;
  readonly line: number;
}

const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/;

const isIdentifierPart = (char: string | undefined) => char !== undefined && IDENTIFIER_PART.test(char);

/** Where a closing `quote` ends, a doubled one standing for itself ('it''s', "a""b"); with `backslash`, \x escapes too (E'…'). */
function quotedEnd(text: string, from: number, quote: string, backslash: boolean): number {
  for (let i = from + 1; i < text.length; i++) {
    if (backslash && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (text[i + 1] !== quote) return i + 1;
      i++;
    }
  }
  return text.length;
}

function blockCommentEnd(text: string, from: number): number {
  // PostgreSQL's block comments nest.
  let depth = 0;
  for (let i = from; i < text.length - 1; i++) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i++;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      i++;
      if (--depth === 0) return i + 1;
    }
  }
  return text.length;
}

/**
 * Where the string, quoted identifier, dollar-quoted body or comment starting at `i` ends, or `i`
 * when none starts there. An unterminated one runs to the end: the database then says what is wrong.
 */
function skipQuoted(text: string, i: number): number {
  const char = text[i];
  const next = text[i + 1];
  if (char === '-' && next === '-') {
    const end = text.indexOf('\n', i);
    return end < 0 ? text.length : end;
  }
  if (char === '/' && next === '*') return blockCommentEnd(text, i);
  if (char === '"') return quotedEnd(text, i, '"', false);
  if (char === "'") {
    const escaped = (text[i - 1] === 'E' || text[i - 1] === 'e') && !isIdentifierPart(text[i - 2]);
    return quotedEnd(text, i, "'", escaped);
  }
  // `$1` is a parameter and `a$b$` an identifier, neither a dollar quote.
  if (char === '$' && !isIdentifierPart(text[i - 1])) {
    const tag = DOLLAR_TAG.exec(text.slice(i, i + 64))?.[0];
    if (tag) {
      const end = text.indexOf(tag, i + tag.length);
      return end < 0 ? text.length : end + tag.length;
    }
  }
  return i;
}

const isComment = (text: string, i: number) => text.startsWith('--', i) || text.startsWith('/*', i);

/**
 * Splits a migration's SQL into statements at the semicolons outside strings, quoted identifiers,
 * dollar-quoted bodies and comments, each with the line of the file it starts on (`firstLine` is
 * the line `sql` starts on).
 *
 * Statements run one at a time so that a failure names its own line even when the database gives
 * no position, and because several statements sent as one query form an implicit transaction, in
 * which CREATE INDEX CONCURRENTLY is refused. Like psql, a `CREATE FUNCTION|PROCEDURE … BEGIN
 * ATOMIC … END` body is kept whole: its inner semicolons belong to it.
 */
export function splitStatements(sql: string, firstLine: number): Statement[] {
  const statements: Statement[] = [];
  let line = firstLine;
  let start = -1;
  let startLine = firstLine;
  let words: string[] = [];
  let depth = 0;
  const finish = (end: number) => {
    if (start >= 0) statements.push({ sql: sql.slice(start, end).trimEnd(), line: startLine });
    start = -1;
    words = [];
    depth = 0;
  };
  const begin = (i: number) => {
    if (start >= 0) return;
    start = i;
    startLine = line;
  };
  const word = (value: string) => {
    if (words.length < 4) words.push(value);
    const routine = words[0] === 'create' && (words.includes('function') || words.includes('procedure'));
    if (routine && value === 'begin') depth++;
    else if (depth > 0 && value === 'case') depth++;
    else if (depth > 0 && value === 'end') depth--;
  };
  let i = 0;
  while (i < sql.length) {
    const char = sql[i] as string;
    const end = skipQuoted(sql, i);
    if (end > i) {
      if (!isComment(sql, i)) begin(i);
      for (let j = i; j < end; j++) if (sql[j] === '\n') line++;
      i = end;
    } else if (IDENTIFIER_START.test(char) && !isIdentifierPart(sql[i - 1])) {
      begin(i);
      let j = i + 1;
      while (isIdentifierPart(sql[j])) j++;
      word(sql.slice(i, j).toLowerCase());
      i = j;
    } else {
      if (char === '\n') line++;
      else if (char === ';' && depth === 0) finish(i);
      else if (!/\s/.test(char)) begin(i);
      i++;
    }
  }
  finish(sql.length);
  return statements;
}
