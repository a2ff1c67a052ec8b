import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `count` trivial migrations in `dir`, as an app's migrations/ folder holds them: odd ones create a
 * small table, even ones add a column to the table just created — the two commonest kinds, so the
 * figures are the runner's cost per migration, not the database's work. Each has its down section.
 */
export function writeTrivialMigrations(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  for (let n = 1; n <= count; n++) {
    const number = String(n).padStart(4, '0');
    const table = `t${String(n % 2 === 1 ? n : n - 1).padStart(4, '0')}`;
    const [name, up, down] =
      n % 2 === 1
        ? [`create_${table}`, `CREATE TABLE ${table} (id int PRIMARY KEY, name text);`, `DROP TABLE ${table};`]
        : [`add_note_to_${table}`, `ALTER TABLE ${table} ADD COLUMN note text;`, `ALTER TABLE ${table} DROP COLUMN note;`];
    writeFileSync(join(dir, `${number}_${name}.sql`), `-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`);
  }
}
