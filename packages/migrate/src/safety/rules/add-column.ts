import type { ColumnDef, Constraint } from 'libpg-query';
import { lastName } from '../names';
import type { Violation } from './context';
import { volatileCall } from './volatile';

const SERIAL_TYPES = new Set(['smallserial', 'serial', 'bigserial', 'serial2', 'serial4', 'serial8']);

/** ADD COLUMN on an existing table: what fills, scans or indexes every existing row. */
export function addColumnViolations(table: string, column: ColumnDef): Violation[] {
  const name = `ADD COLUMN "${column.colname}"`;
  const constraints = (column.constraints ?? []).flatMap((node) => ('Constraint' in node ? [node.Constraint] : []));
  const kind = (type: Constraint['contype']) => constraints.find((constraint) => constraint.contype === type);
  const typeName = lastName(column.typeName?.names);
  // Whether existing rows get a value: a serial type brings its own DEFAULT nextval(…).
  const filled = Boolean(kind('CONSTR_DEFAULT') ?? kind('CONSTR_IDENTITY') ?? kind('CONSTR_GENERATED')) || SERIAL_TYPES.has(typeName ?? '');
  const violations: Violation[] = [];

  const rewrite = rewriteCause(typeName, constraints);
  if (rewrite !== undefined) {
    violations.push({ rule: 'volatile-default', message: `${name} ${rewrite}: it rewrites table "${table}" under an ACCESS EXCLUSIVE lock` });
  }
  if (kind('CONSTR_NOTNULL') && !filled) {
    violations.push({
      rule: 'not-null-without-default',
      message: `${name} NOT NULL without a DEFAULT fails on a table with rows, and the old colour's INSERTs into "${table}" do not set it`,
    });
  }
  // A CHECK is tested on every row (one more sequential scan of the table on PostgreSQL 15);
  // REFERENCES only when existing rows get values (none for a column of NULLs, measured too).
  const check = kind('CONSTR_CHECK');
  if (check || (kind('CONSTR_FOREIGN') && filled)) {
    violations.push({
      rule: 'constraint-not-valid',
      message: `${name} with ${check ? 'CHECK' : 'REFERENCES'} checks every row of "${table}" under an ACCESS EXCLUSIVE lock`,
    });
  }
  const index = kind('CONSTR_UNIQUE') ?? kind('CONSTR_PRIMARY');
  if (index) {
    violations.push({
      rule: 'unique-or-primary-key-direct',
      message: `${name} ${index.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY'} builds an index on "${table}" under an ACCESS EXCLUSIVE lock`,
    });
  }
  return violations;
}

/** Why every existing row must get its own value, if it must. */
function rewriteCause(typeName: string | undefined, constraints: readonly Constraint[]): string | undefined {
  if (typeName !== undefined && SERIAL_TYPES.has(typeName)) return `${typeName} fills every existing row from a sequence`;
  for (const constraint of constraints) {
    if (constraint.contype === 'CONSTR_IDENTITY') return 'GENERATED … AS IDENTITY fills every existing row from a sequence';
    // A VIRTUAL generated column (PostgreSQL 18) is computed when read, so only STORED counts.
    if (constraint.contype === 'CONSTR_GENERATED' && constraint.generated_kind === 's') return 'GENERATED ALWAYS AS (…) STORED computes every existing row';
    const call = constraint.contype === 'CONSTR_DEFAULT' ? volatileCall(constraint.raw_expr) : undefined;
    if (call !== undefined) return `DEFAULT ${call} computes the default for every existing row (${call} is volatile)`;
  }
  return undefined;
}
