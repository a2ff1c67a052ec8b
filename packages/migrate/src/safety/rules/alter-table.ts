import type { Node } from 'libpg-query';
import { relationName } from '../names';
import { addColumnViolations } from './add-column';
import { addConstraintViolations } from './add-constraint';
import type { RuleContext, Violation } from './context';

/**
 * The locking rules of ALTER TABLE on a table that existed before this migration (a table it
 * created is empty and unknown to the old colour). DROP COLUMN is rename-or-drop's.
 */
export function alterTableViolations(node: Node, { transaction, seen }: RuleContext): Violation[] {
  if (!('AlterTableStmt' in node)) return [];
  const table = relationName(node.AlterTableStmt.relation);
  if (seen.tables.has(table)) return [];
  return (node.AlterTableStmt.cmds ?? []).flatMap((item): Violation[] => {
    if (!('AlterTableCmd' in item)) return [];
    const { subtype, def, name } = item.AlterTableCmd;
    switch (subtype) {
      case 'AT_AddColumn':
        return def !== undefined && 'ColumnDef' in def ? addColumnViolations(table, def.ColumnDef) : [];
      case 'AT_AddConstraint':
        return def !== undefined && 'Constraint' in def ? addConstraintViolations(table, def.Constraint) : [];
      case 'AT_SetNotNull':
        // A validated CHECK (column IS NOT NULL) lets PostgreSQL (12+) skip the scan.
        return seen.provenNotNull.has(`${table}.${name}`) || seen.provenNotNull.has(`${table}.*`)
          ? []
          : [{ rule: 'set-not-null', message: `SET NOT NULL on "${table}"."${name}" scans the whole table under an ACCESS EXCLUSIVE lock` }];
      case 'AT_AlterColumnType':
        return [{
          rule: 'column-type-change',
          message: `ALTER COLUMN "${name}" TYPE rewrites "${table}" under an ACCESS EXCLUSIVE lock (unless the types are binary-compatible), and the old colour still uses the old type`,
        }];
      case 'AT_ValidateConstraint':
        // ADD CONSTRAINT's lock (ACCESS EXCLUSIVE for a CHECK) is held until the transaction
        // ends, so validating in the same one scans the table behind that lock after all.
        return transaction && seen.notValid.has(`${table}.${name}`)
          ? [{ rule: 'validate-in-same-transaction', message: `VALIDATE CONSTRAINT "${name}" in the transaction that added it scans "${table}" while ADD CONSTRAINT's lock is still held` }]
          : [];
      default:
        return [];
    }
  });
}
