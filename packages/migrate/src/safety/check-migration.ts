import { statementViolations } from './check-statement';
import { parseMigration } from './parse-migration';
import { RULES, type RuleId } from './rules';
import type { Phase } from './rules/context';
import { noteStatement, nothingSeen } from './seen';

export interface Migration {
  /** How findings name the file, e.g. `migrations/0003_add_index.sql`. */
  file: string;
  sql: string;
  phase: Phase;
  /** Whether the runner wraps it in a transaction (it is not marked `-- switchyard: no-transaction`). */
  transaction: boolean;
}

/** One thing a migration must not do as written, where, and the safe way to do it. */
export interface Finding {
  file: string;
  line: number;
  rule: RuleId | 'parse-error';
  message: string;
  safeWay: string;
}

/**
 * Everything in one migration that would lock a busy table or (in the expand phase) break the
 * old colour, in the order of the file; `[]` when it is safe to run. SQL that does not parse
 * is one `parse-error` finding with the parser's message, and nothing else is checked.
 */
export async function checkMigration({ file, sql, phase, transaction }: Migration): Promise<Finding[]> {
  const parsed = await parseMigration(sql);
  if ('error' in parsed) {
    return [{ file, line: parsed.error.line, rule: 'parse-error', message: parsed.error.message, safeWay: 'fix the SQL: nothing else in this migration was checked' }];
  }
  const seen = nothingSeen();
  const findings: Finding[] = [];
  for (const { node, line, allowed } of parsed.statements) {
    for (const { rule, message } of statementViolations(node, { phase, transaction, seen })) {
      if (!allowed.has(rule)) findings.push({ file, line, rule, message, safeWay: RULES[rule] });
    }
    noteStatement(seen, node);
  }
  return findings;
}
