import type { ScanToken } from 'libpg-query';

/** `-- switchyard: allow rule-a, rule-b` — the only directive this check reads; words after the ids are ignored. */
const ALLOW = /^--\s*switchyard:\s*allow\s+(.+)$/;

/**
 * The rules each statement is allowed to break, keyed by the statement's first line: the allow
 * comments on the comment-only lines directly above it (a blank line or a line with SQL ends the
 * block). Comments come from the PostgreSQL lexer, so `--` inside a string or a `$$` body is
 * never taken for one.
 */
export function allowedRules(tokens: readonly ScanToken[], lineAt: (byteOffset: number) => number): (statementLine: number) => Set<string> {
  const commentLines = new Map<number, string[]>();
  const codeLines = new Set<number>();
  for (const token of tokens) {
    const first = lineAt(token.start);
    if (token.tokenName !== 'SQL_COMMENT' && token.tokenName !== 'C_COMMENT') {
      codeLines.add(first);
      continue;
    }
    // A /* … */ comment may span lines; each of them belongs to the comment block.
    for (let line = first; line <= lineAt(token.end - 1); line += 1) {
      commentLines.set(line, [...(commentLines.get(line) ?? []), ...(line === first ? allowList(token.text) : [])]);
    }
  }
  return (statementLine) => {
    const allowed = new Set<string>();
    for (let line = statementLine - 1; commentLines.has(line) && !codeLines.has(line); line -= 1) {
      for (const rule of commentLines.get(line) ?? []) allowed.add(rule);
    }
    return allowed;
  };
}

function allowList(comment: string): string[] {
  const list = ALLOW.exec(comment.trim())?.[1];
  return list === undefined ? [] : list.split(/[\s,]+/).filter((rule) => rule !== '');
}
