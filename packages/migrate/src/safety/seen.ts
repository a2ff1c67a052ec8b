import type { Constraint, Node } from 'libpg-query';
import { lastName, relationName } from './names';

/** What the statements before this one in the same migration did, which the rules depend on. */
export interface Seen {
  /** Tables created in this migration: empty and unknown to the old colour, so free to alter. */
  tables: Set<string>;
  /** Indexes built on those tables: dropping one locks nothing that already existed. */
  indexes: Set<string>;
  /** Constraints added NOT VALID in this migration, by `table.constraint`. */
  notValid: Map<string, Constraint>;
  /**
   * Columns a validated CHECK proves NOT NULL, as `table.column`; `table.*` when the validated
   * constraint was added by an earlier migration, whose text is not here to read: it is taken
   * to be the CHECK (column IS NOT NULL) of the safe way to SET NOT NULL.
   */
  provenNotNull: Set<string>;
}

export function nothingSeen(): Seen {
  return { tables: new Set(), indexes: new Set(), notValid: new Map(), provenNotNull: new Set() };
}

/** Records what `node` did; called after the rules have judged it. */
export function noteStatement(seen: Seen, node: Node): void {
  if ('CreateStmt' in node) seen.tables.add(relationName(node.CreateStmt.relation));
  if ('CreateTableAsStmt' in node) seen.tables.add(relationName(node.CreateTableAsStmt.into?.rel));
  if ('IndexStmt' in node) {
    const { relation, idxname } = node.IndexStmt;
    if (idxname !== undefined && seen.tables.has(relationName(relation))) {
      seen.indexes.add(relationName({ schemaname: relation?.schemaname, relname: idxname }));
    }
  }
  if ('AlterTableStmt' in node) {
    const table = relationName(node.AlterTableStmt.relation);
    for (const item of node.AlterTableStmt.cmds ?? []) {
      if (!('AlterTableCmd' in item)) continue;
      const { subtype, def, name } = item.AlterTableCmd;
      if (subtype === 'AT_AddConstraint' && def !== undefined && 'Constraint' in def && def.Constraint.skip_validation) {
        seen.notValid.set(`${table}.${def.Constraint.conname}`, def.Constraint);
      }
      if (subtype === 'AT_ValidateConstraint') {
        const added = seen.notValid.get(`${table}.${name}`);
        const column = added === undefined ? '*' : notNullColumn(added);
        if (column !== undefined) seen.provenNotNull.add(`${table}.${column}`);
      }
    }
  }
}

/** The column of a `CHECK (column IS NOT NULL)`, or of PostgreSQL 18's `NOT NULL column`. */
function notNullColumn(constraint: Constraint): string | undefined {
  if (constraint.contype === 'CONSTR_NOTNULL') return lastName(constraint.keys);
  const test = constraint.raw_expr;
  if (constraint.contype !== 'CONSTR_CHECK' || test === undefined || !('NullTest' in test)) return undefined;
  if (test.NullTest.nulltesttype !== 'IS_NOT_NULL' || test.NullTest.arg === undefined) return undefined;
  const argument = test.NullTest.arg;
  return 'ColumnRef' in argument ? lastName(argument.ColumnRef.fields) : undefined;
}
