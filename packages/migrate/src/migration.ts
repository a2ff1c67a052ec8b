import type { Phase } from './schema';
import type { Statement } from './statements';

/** The SQL of one direction of a migration, and where it starts in the file. */
export interface MigrationSection {
  readonly sql: string;
  readonly line: number;
  readonly statements: readonly Statement[];
}

/** One migration file, read and checked. */
export interface Migration {
  /** The file name without `.sql`, as switchyard_migrations records it: `0001_create_products`. */
  readonly name: string;
  /** The file as it was read (the folder joined with its name): what messages name. */
  readonly path: string;
  /** sha256 of the whole file, hex. */
  readonly sha256: string;
  readonly phase: Phase;
  /** false for `-- switchyard: no-transaction` (CREATE INDEX CONCURRENTLY refuses to run in one). */
  readonly transaction: boolean;
  readonly up: MigrationSection;
  /** Absent when the file has no `-- migrate:down` section, or an empty one: the migration cannot be reverted. */
  readonly down?: MigrationSection;
}
