import type { Node } from 'libpg-query';
import { listName, relationName } from '../names';
import type { RuleContext, Violation } from './context';

const RELATIONS = new Map([
  ['OBJECT_TABLE', 'TABLE'],
  ['OBJECT_VIEW', 'VIEW'],
  ['OBJECT_MATVIEW', 'MATERIALIZED VIEW'],
]);

/**
 * rename-or-drop-in-expand: the old colour still reads and writes what an expand migration
 * renames or drops. Renames and drops belong in a contract migration, which runs once it has
 * stopped; what this migration created itself is still free to go.
 */
export function renameOrDropViolations(node: Node, { phase, seen }: RuleContext): Violation[] {
  if (phase === 'contract') return [];
  const breaks = (what: string): Violation[] => [{ rule: 'rename-or-drop-in-expand', message: `${what} breaks the old colour, which still uses it` }];
  if ('RenameStmt' in node) {
    const { renameType, relation, subname, newname } = node.RenameStmt;
    const table = relationName(relation);
    if (seen.tables.has(table)) return [];
    if (renameType === 'OBJECT_COLUMN') return breaks(`RENAME COLUMN "${subname}" of "${table}" to "${newname}"`);
    const kind = renameType === undefined ? undefined : RELATIONS.get(renameType);
    return kind === undefined ? [] : breaks(`ALTER ${kind} "${table}" RENAME TO "${newname}"`);
  }
  const dropped = 'DropStmt' in node && node.DropStmt.removeType !== undefined ? RELATIONS.get(node.DropStmt.removeType) : undefined;
  if ('DropStmt' in node && dropped !== undefined) {
    const existing = (node.DropStmt.objects ?? []).map(listName).filter((table) => !seen.tables.has(table));
    return existing.length === 0 ? [] : breaks(`DROP ${dropped} ${existing.map((table) => `"${table}"`).join(', ')}`);
  }
  if ('AlterTableStmt' in node) {
    const table = relationName(node.AlterTableStmt.relation);
    if (seen.tables.has(table)) return [];
    return (node.AlterTableStmt.cmds ?? []).flatMap((item) =>
      'AlterTableCmd' in item && item.AlterTableCmd.subtype === 'AT_DropColumn' ? breaks(`DROP COLUMN "${item.AlterTableCmd.name}" of "${table}"`) : [],
    );
  }
  return [];
}
