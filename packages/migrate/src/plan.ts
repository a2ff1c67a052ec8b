import type { FileProblem } from './errors';
import type { Migration } from './migration';
import type { AppliedMigration, Phase } from './schema';

/** What one operation would do, or why it must not: nothing runs while `problems` is not empty. */
export interface Plan {
  readonly migrations: Migration[];
  readonly problems: FileProblem[];
}

/** How a migration of the folder, or a record of the database, stands. */
export type MigrationState =
  /** applied with the file's checksum */
  | 'applied'
  /** in the folder, not applied */
  | 'pending'
  /** applied, but the file changed since: an error until restored or repaired */
  | 'edited'
  /** applied, but no file of that name in the folder (a rollback to an older release has these) */
  | 'no-file';

export interface MigrationStatus {
  readonly name: string;
  readonly state: MigrationState;
  readonly phase: Phase;
  /** Pending, and sorting below an applied migration it must come after (see `outOfOrder`). */
  readonly outOfOrder: boolean;
  readonly migration?: Migration;
  readonly applied?: AppliedMigration;
}

/** `0002_add_price` or `0002_add_price.sql`: what a person types to name a migration. */
export const migrationName = (name: string) => name.replace(/\.sql$/, '');

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Pending migrations that sort below one already applied. An expand migration must come after
 * every applied one. A contract migration only after every applied contract one: the expand phase
 * deliberately runs a deploy's expand migrations before its contract ones, whatever their numbers,
 * so an expand applied above a waiting contract is no sign of a late arrival.
 */
export function outOfOrder(files: readonly Migration[], applied: readonly AppliedMigration[]): Migration[] {
  const done = new Set(applied.map((record) => record.name));
  const last = (phase?: Phase) =>
    applied.filter((record) => phase === undefined || record.phase === phase).reduce((max, record) => (record.name > max ? record.name : max), '');
  const lastAny = last();
  const lastContract = last('contract');
  return files.filter((file) => !done.has(file.name) && file.name < (file.phase === 'expand' ? lastAny : lastContract));
}

/** Applied migrations whose file has changed since: every operation but repair refuses to run over them. */
export function drift(files: readonly Migration[], applied: readonly AppliedMigration[]): FileProblem[] {
  const recorded = new Map(applied.map((record) => [record.name, record]));
  return files.flatMap((file) => {
    const record = recorded.get(file.name);
    if (!record || record.sha256 === file.sha256) return [];
    const message =
      `edited after it was applied (sha256 ${record.sha256.slice(0, 12)}… then, ${file.sha256.slice(0, 12)}… now): ` +
      'restore the file as it was applied and add a new migration for the change, or run repair to accept the file as it is';
    return [{ path: file.path, message }];
  });
}

/** Every migration of the folder and every record of the database, in name order. */
export function migrationStatus(files: readonly Migration[], applied: readonly AppliedMigration[]): MigrationStatus[] {
  const recorded = new Map(applied.map((record) => [record.name, record]));
  const late = new Set(outOfOrder(files, applied));
  const known = new Set(files.map((file) => file.name));
  const rows: MigrationStatus[] = files.map((file) => {
    const record = recorded.get(file.name);
    const state = !record ? 'pending' : record.sha256 === file.sha256 ? 'applied' : 'edited';
    return { name: file.name, state, phase: file.phase, outOfOrder: late.has(file), migration: file, ...(record ? { applied: record } : {}) };
  });
  for (const record of applied) {
    if (!known.has(record.name)) rows.push({ name: record.name, state: 'no-file', phase: record.phase, outOfOrder: false, applied: record });
  }
  return rows.sort(byName);
}

export interface UpPlanOptions {
  /** expand: only the pending expand migrations; contract: everything pending, since with the old colour gone nothing needs to wait. */
  readonly phase: Phase;
  /** Run pending migrations that sort below an applied one instead of refusing. */
  readonly allowOutOfOrder: boolean;
}

/** The pending migrations a phase runs, in name order. */
export function planUp(files: readonly Migration[], applied: readonly AppliedMigration[], options: UpPlanOptions): Plan {
  const done = new Set(applied.map((record) => record.name));
  const last = applied.reduce((max, record) => (record.name > max ? record.name : max), '');
  const late = options.allowOutOfOrder ? [] : outOfOrder(files, applied);
  const problems = [
    ...drift(files, applied),
    ...late.map((file) => ({
      path: file.path,
      message: `not applied, yet it sorts below ${last}, which is: give it a number above the last applied migration, or allow out-of-order migrations`,
    })),
  ];
  const migrations = files.filter((file) => !done.has(file.name) && (options.phase === 'contract' || file.phase === 'expand'));
  return { migrations, problems };
}

/** The applied migrations after `target` (which stays applied), newest first, each with the down SQL that reverts it. */
export function planDown(files: readonly Migration[], applied: readonly AppliedMigration[], target: string): Plan {
  const to = migrationName(target);
  const problems = drift(files, applied);
  if (!applied.some((record) => record.name === to)) {
    problems.push({ path: target, message: 'not an applied migration: down reverts the migrations applied after the one it is given' });
  }
  const byFile = new Map(files.map((file) => [file.name, file]));
  const migrations: Migration[] = [];
  for (const record of applied.filter((record) => record.name > to).sort(byName).reverse()) {
    const file = byFile.get(record.name);
    if (!file) problems.push({ path: `${record.name}.sql`, message: 'applied, but not in the migrations folder: its down SQL is unknown' });
    else if (!file.down) problems.push({ path: file.path, message: 'has no "-- migrate:down" SQL, so it cannot be reverted' });
    else migrations.push(file);
  }
  return { migrations, problems };
}

/** Newest first in the order they ran: a deploy runs its expand migrations before its contract ones, whatever their numbers. */
export const newestFirst = (a: AppliedMigration, b: AppliedMigration) => b.applied_at.getTime() - a.applied_at.getTime() || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0);

/** The named applied migrations, newest first as they ran, each with the down SQL that reverts it. */
export function planRevert(files: readonly Migration[], applied: readonly AppliedMigration[], names: readonly string[]): Plan {
  const wanted = new Set(names.map(migrationName));
  const problems = drift(files.filter((file) => wanted.has(file.name)), applied);
  const recorded = new Set(applied.map((record) => record.name));
  for (const name of wanted) if (!recorded.has(name)) problems.push({ path: `${name}.sql`, message: 'not applied: there is nothing to revert' });
  const byFile = new Map(files.map((file) => [file.name, file]));
  const migrations: Migration[] = [];
  for (const record of applied.filter((record) => wanted.has(record.name)).sort(newestFirst)) {
    const file = byFile.get(record.name);
    if (!file) problems.push({ path: `${record.name}.sql`, message: 'applied, but not in the migrations folder: its down SQL is unknown' });
    else if (!file.down) problems.push({ path: file.path, message: 'has no "-- migrate:down" SQL, so it cannot be reverted' });
    else migrations.push(file);
  }
  return { migrations, problems };
}

/** The migrations up to `target`, included, that are not applied yet: recorded as applied without being run. */
export function planBaseline(files: readonly Migration[], applied: readonly AppliedMigration[], target: string): Plan {
  const to = migrationName(target);
  const problems = drift(files, applied);
  if (!files.some((file) => file.name === to)) problems.push({ path: target, message: 'no migration file of that name: baseline records the files up to one that exists' });
  const done = new Set(applied.map((record) => record.name));
  return { migrations: files.filter((file) => file.name <= to && !done.has(file.name)), problems };
}

/** The applied migrations whose file changed: repair records their checksum (and phase) as the files have them now. */
export function planRepair(files: readonly Migration[], applied: readonly AppliedMigration[]): Plan {
  const recorded = new Map(applied.map((record) => [record.name, record]));
  return { migrations: files.filter((file) => (recorded.get(file.name)?.sha256 ?? file.sha256) !== file.sha256), problems: [] };
}
