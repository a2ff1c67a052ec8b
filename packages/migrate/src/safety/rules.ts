/**
 * Every rule of the safety check, by the id that findings carry and that
 * `-- switchyard: allow <id>` names, with the safe way the finding suggests.
 * The id says what was done, so that an allow comment reads as a deliberate choice.
 */
export const RULES = {
  'index-not-concurrent':
    'use CREATE INDEX CONCURRENTLY (or DROP INDEX, REINDEX … CONCURRENTLY) in a migration marked -- switchyard: no-transaction',
  'concurrent-in-transaction':
    'mark the migration -- switchyard: no-transaction (PostgreSQL refuses CONCURRENTLY inside a transaction)',
  'volatile-default':
    'add the column without a default (or with a constant one), then ALTER COLUMN … SET DEFAULT for new rows and backfill existing rows in batches',
  'set-not-null':
    'ADD CONSTRAINT … CHECK (column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later migration, then SET NOT NULL (it then skips the scan) and drop the check',
  'column-type-change':
    'add a column of the new type, backfill it, let the new release use it, and drop the old column in a migration marked -- switchyard: contract',
  'rename-or-drop-in-expand':
    'do it in a migration marked -- switchyard: contract, which runs once the old colour has stopped (a rename: add the new name and copy now, drop the old one then)',
  'constraint-not-valid':
    'add it with NOT VALID, then VALIDATE CONSTRAINT in a later migration: validating blocks neither reads nor writes',
  'validate-in-same-transaction':
    'move VALIDATE CONSTRAINT to a later migration (or mark this one -- switchyard: no-transaction) so that the lock ADD CONSTRAINT took is released first',
  'unique-or-primary-key-direct':
    'CREATE UNIQUE INDEX CONCURRENTLY in a migration marked -- switchyard: no-transaction, then ADD CONSTRAINT … UNIQUE (or PRIMARY KEY) USING INDEX',
  'not-null-without-default':
    'add it nullable, or NOT NULL with a constant DEFAULT (the old colour inserts rows without it)',
} as const satisfies Record<string, string>;

export type RuleId = keyof typeof RULES;
