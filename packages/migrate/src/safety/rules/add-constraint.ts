import type { Constraint } from 'libpg-query';
import { relationName } from '../names';
import type { Violation } from './context';

/** ADD CONSTRAINT on an existing table: what checks every row, or builds an index, under a lock. */
export function addConstraintViolations(table: string, constraint: Constraint): Violation[] {
  const name = constraint.conname === undefined ? 'ADD' : `ADD CONSTRAINT "${constraint.conname}"`;
  // NOT VALID (and PostgreSQL 18's NOT ENFORCED) set skip_validation: no row is checked now.
  const validates = !constraint.skip_validation;
  switch (constraint.contype) {
    case 'CONSTR_FOREIGN':
      return validates
        ? [{ rule: 'constraint-not-valid', message: `${name} FOREIGN KEY checks every row of "${table}" while it blocks writes to it and to "${relationName(constraint.pktable)}"` }]
        : [];
    case 'CONSTR_CHECK':
      return validates ? [{ rule: 'constraint-not-valid', message: `${name} CHECK checks every row of "${table}" under an ACCESS EXCLUSIVE lock` }] : [];
    case 'CONSTR_NOTNULL':
      // PostgreSQL 18's ADD CONSTRAINT … NOT NULL column: the same scan as SET NOT NULL.
      return validates ? [{ rule: 'set-not-null', message: `${name} NOT NULL scans all of "${table}" under an ACCESS EXCLUSIVE lock` }] : [];
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
      // USING INDEX adopts an index already built (CONCURRENTLY): nothing to build under the lock.
      return constraint.indexname === undefined
        ? [{
            rule: 'unique-or-primary-key-direct',
            message: `${name} ${constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY'} builds its index on "${table}" under an ACCESS EXCLUSIVE lock`,
          }]
        : [];
    default:
      return [];
  }
}
