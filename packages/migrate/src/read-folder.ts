import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MigrationFileError, type FileProblem } from './errors';
import type { Migration } from './migration';
import { parseMigration } from './parse-migration';

/**
 * The migrations of a folder, sorted by name. Every `.sql` file in it must be a migration; other
 * files (a README, .gitkeep) and folders are left alone. Throws MigrationFileError naming every bad
 * file and line at once.
 */
export async function readMigrationFolder(directory: string): Promise<Migration[]> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MigrationFileError([{ path: directory, message: `cannot read the migrations folder (${code ?? String(error)})` }]);
  }
  const names = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sql'))
    .map((entry) => entry.name)
    .sort();
  const migrations: Migration[] = [];
  const problems: FileProblem[] = [];
  for (const name of names) {
    const path = join(directory, name);
    const parsed = parseMigration(path, await readFile(path));
    if (parsed.migration) migrations.push(parsed.migration);
    else problems.push(...parsed.problems);
  }
  if (problems.length > 0) throw new MigrationFileError(problems);
  return migrations;
}
