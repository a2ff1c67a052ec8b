import type { Node, ParseResult, ScanResult, SqlError } from 'libpg-query';
import { allowedRules } from './allow-comments';
import { lineAtByte, lineAtCodePoint } from './source-lines';

/** One top-level statement of a migration: its syntax tree, where it starts, what it may break. */
export interface Statement {
  node: Node;
  line: number;
  allowed: ReadonlySet<string>;
}

export type ParsedMigration = { statements: Statement[] } | { error: { line: number; message: string } };

interface Parser {
  parseSync(sql: string): ParseResult;
  scanSync(sql: string): ScanResult;
  hasSqlDetails(error: unknown): error is SqlError;
}

let parser: Promise<Parser> | undefined;

/**
 * libpg-query compiles its WASM build of PostgreSQL's own parser when it is imported
 * (60–250 ms here), so it is imported on the first check, never by a command that only
 * imports this package.
 */
function loadParser(): Promise<Parser> {
  parser ??= import('libpg-query').then(async (module) => {
    await module.loadModule();
    return module;
  });
  return parser;
}

export async function parseMigration(sql: string): Promise<ParsedMigration> {
  const { parseSync, scanSync, hasSqlDetails } = await loadParser();
  // The parser refuses the empty string; an empty migration simply has no statements.
  if (sql === '') return { statements: [] };
  let tree: ParseResult;
  try {
    tree = parseSync(sql);
  } catch (error) {
    // The cursor counts characters from 0; without one the error is the file's as a whole.
    const cursor = hasSqlDetails(error) ? error.sqlDetails?.cursorPosition : undefined;
    return { error: { line: cursor === undefined ? 1 : lineAtCodePoint(sql, cursor), message: error instanceof Error ? error.message : String(error) } };
  }
  const lineAt = lineAtByte(sql);
  const allowedAt = allowedRules(scanSync(sql).tokens, lineAt);
  return {
    statements: (tree.stmts ?? []).flatMap(({ stmt, stmt_location }) => {
      if (stmt === undefined) return [];
      // stmt_location is the statement's first token (leading comments skipped); 0 is omitted.
      const line = lineAt(stmt_location ?? 0);
      return [{ node: stmt, line, allowed: allowedAt(line) }];
    }),
  };
}
