import type { Node } from 'libpg-query';
import { listName, relationName } from '../names';
import type { RuleContext, Violation } from './context';

/** index-not-concurrent and concurrent-in-transaction: CREATE INDEX, DROP INDEX, REINDEX. */
export function indexViolations(node: Node, { transaction, seen }: RuleContext): Violation[] {
  if ('IndexStmt' in node) {
    const { relation, concurrent = false, unique } = node.IndexStmt;
    const table = relationName(relation);
    const what = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX`;
    if (concurrent) return transaction ? [inTransaction(`${what} CONCURRENTLY`)] : [];
    return seen.tables.has(table) ? [] : [{ rule: 'index-not-concurrent', message: `${what} on existing table "${table}" blocks writes to it while it builds` }];
  }
  if ('DropStmt' in node && node.DropStmt.removeType === 'OBJECT_INDEX') {
    const { objects = [], concurrent = false } = node.DropStmt;
    if (concurrent) return transaction ? [inTransaction('DROP INDEX CONCURRENTLY')] : [];
    const existing = objects.map(listName).filter((index) => !seen.indexes.has(index));
    if (existing.length === 0) return [];
    return [{
      rule: 'index-not-concurrent',
      message: `DROP INDEX ${quoted(existing)} takes an ACCESS EXCLUSIVE lock on its table: it waits for every query on it, and every later query waits for it`,
    }];
  }
  if ('ReindexStmt' in node) {
    const concurrent = (node.ReindexStmt.params ?? []).some((param) => 'DefElem' in param && param.DefElem.defname === 'concurrently');
    if (concurrent) return transaction ? [inTransaction('REINDEX CONCURRENTLY')] : [];
    return [{ rule: 'index-not-concurrent', message: 'REINDEX blocks writes to the table, and reads that use the index, while it rebuilds' }];
  }
  return [];
}

function inTransaction(what: string): Violation {
  return { rule: 'concurrent-in-transaction', message: `${what} cannot run inside a transaction, and this migration runs in one` };
}

function quoted(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}
