import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@switchyard/config';
import { openMigrationDatabase } from '@switchyard/deploy/migrations';
import { createMigrator, type AppliedMigration } from '@switchyard/migrate';

/**
 * The demo's schema story, one folder per release: v1 names products by `name`; v2 adds `title`
 * (expand: v1 runs beside it unharmed); v4 drops `name`, which v1 and v2 still read (contract: it may
 * only run once no colour runs them).
 */
const FILES = {
  create: [
    '0001_create_products.sql',
    `-- migrate:up
CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO products (name) VALUES ('kettle'), ('teapot'), ('cup');
-- migrate:down
DROP TABLE products;
`,
  ],
  addTitle: [
    '0002_add_title.sql',
    `-- v2 writes both columns; v1 reads name and ignores title.
-- migrate:up
ALTER TABLE products ADD COLUMN title text;
-- migrate:down
ALTER TABLE products DROP COLUMN title;
`,
  ],
  dropName: [
    '0003_drop_name.sql',
    `-- switchyard: contract
-- v1 and v2 still read name: this runs once neither runs.
-- migrate:up
ALTER TABLE products DROP COLUMN name;
-- migrate:down
ALTER TABLE products ADD COLUMN name text;
`,
  ],
} as const;

export type DemoSchema = 'v1' | 'v2' | 'v4';

const SCHEMAS: Record<DemoSchema, (keyof typeof FILES)[]> = { v1: ['create'], v2: ['create', 'addTitle'], v4: ['create', 'addTitle', 'dropName'] };

/** Writes the release's migrations/ folder as its version has it. */
export function writeDemoMigrations(releaseDir: string, schema: DemoSchema): void {
  const dir = join(releaseDir, 'migrations');
  mkdirSync(dir, { recursive: true });
  for (const key of SCHEMAS[schema]) writeFileSync(join(dir, FILES[key][0]), FILES[key][1]);
}

/** What the journal of the demo's embedded database says, oldest first. */
export async function appliedMigrations(config: Config): Promise<AppliedMigration[]> {
  const db = await openMigrationDatabase(config);
  try {
    const statuses = await createMigrator({ db, migrations: [] }).status();
    return statuses.flatMap((s) => (s.applied ? [s.applied] : [])).sort((a, b) => a.applied_at.getTime() - b.applied_at.getTime());
  } finally {
    await db.close();
  }
}
