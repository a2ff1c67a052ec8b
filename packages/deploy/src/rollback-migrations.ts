import { join } from 'node:path';
import type { Config } from '@switchyard/config';
import type { Host } from '@switchyard/host';
import { type AppliedMigration, createMigrator, type MigrationStatus, newestFirst } from '@switchyard/migrate';
import { DeployFailed } from './errors';
import { migrationsOf, openMigrationDatabase, readHostMigrations } from './migrations';

/** The journal as the release a rollback goes back to sees it. */
export interface RolledBackOver {
  /** Applied, but not in its migrations folder: what the releases after it applied, newest first as they ran. */
  readonly later: AppliedMigration[];
  /** Its own expand migrations that are not applied (reverted after it ran): its code expects them. */
  readonly missing: string[];
}

export function rolledBackOver(statuses: readonly MigrationStatus[]): RolledBackOver {
  return {
    later: statuses.flatMap((s) => (s.state === 'no-file' && s.applied ? [s.applied] : [])).sort(newestFirst),
    missing: statuses.filter((s) => s.state === 'pending' && s.phase === 'expand').map((s) => s.name),
  };
}

export type RevertStage = 'before-start' | 'after-stop';

/**
 * What to revert at a stage of a rollback with --migrations. Before the release rolled back to
 * starts: the newest contract migrations, whose down SQL gives back what its code uses (a dropped
 * column) and which the live colour tolerates, as it ran before them. Once the live colour has
 * stopped: the rest, whose down SQL removes what only that colour used.
 */
export function namesToRevert(later: readonly AppliedMigration[], stage: RevertStage): string[] {
  const firstExpand = later.findIndex((record) => record.phase !== 'contract');
  const now = stage === 'after-stop' || firstExpand === -1 ? later : later.slice(0, firstExpand);
  return now.map((record) => record.name);
}

const listed = (names: readonly string[]) => names.join(', ');

/** Why the rollback must not go on, when it must not; nothing has changed when this is asked. */
export function rollbackRefusal(view: RolledBackOver, from: string, to: string, revert: boolean): string | undefined {
  if (view.missing.length > 0)
    return (
      `release ${to} expects ${listed(view.missing)}, which ${view.missing.length === 1 ? 'is' : 'are'} not applied (reverted after it ran): ` +
      `deploy it again, which applies ${view.missing.length === 1 ? 'it' : 'them'} first, instead of rolling back to it`
    );
  const contract = view.later.filter((record) => record.phase === 'contract');
  if (revert || contract.length === 0) return undefined;
  const deploys = [...new Set(contract.map((record) => record.deploy_id ?? 'unknown'))];
  return (
    `rolling back to ${to} would go back past the contract migration${contract.length === 1 ? '' : 's'} ${listed(contract.map((record) => record.name))} ` +
    `(applied by deploy ${listed(deploys)}), which removed what ${to}'s code may still use: ` +
    `roll back with --migrations to revert ${contract.length === 1 ? 'it' : 'them'} first (with the down SQL of release ${from}), or deploy a fix forward`
  );
}

export interface RollbackMigrationsInput {
  readonly stage: RevertStage;
  /** The release rolled back from, whose migrations folder has the down SQL. */
  readonly from: string;
  readonly to: string;
  readonly revert: boolean;
  readonly deployId: string;
}

/**
 * A rollback's migration step, on the server whose release directories are read (the primary):
 * refuses before anything changes, or reverts what this stage reverts, saying each.
 */
export async function rollbackMigrations(config: Config, host: Host, releaseDir: (id: string) => string, input: RollbackMigrationsInput, note: (message: string) => void): Promise<void> {
  const folder = (id: string) => join(releaseDir(id), migrationsOf(config).directory);
  const [target, source] = await Promise.all([readHostMigrations(host, folder(input.to)), readHostMigrations(host, folder(input.from))]);
  // Neither release has a migration: the app does not use Switchyard's, and its database is left closed.
  if (target.length === 0 && source.length === 0) return;
  const db = await openMigrationDatabase(config, host, { deployId: input.deployId });
  try {
    const view = rolledBackOver(await createMigrator({ db, migrations: target }).status());
    if (input.stage === 'before-start') {
      const refused = rollbackRefusal(view, input.from, input.to, input.revert);
      if (refused) throw new DeployFailed(refused);
    }
    if (!input.revert) {
      if (view.later.length > 0) note(`${listed(view.later.map((r) => r.name))} stay${view.later.length === 1 ? 's' : ''} applied: release ${input.to} ran beside ${view.later.length === 1 ? 'it' : 'them'} while ${input.from} was deployed`);
      return;
    }
    const migrator = createMigrator({ db, migrations: source, deployId: input.deployId });
    // Every one must be revertible before the first is: a missing down SQL is found while nothing has changed.
    if (input.stage === 'before-start') await migrator.revert({ names: view.later.map((r) => r.name), dryRun: true });
    const names = namesToRevert(view.later, input.stage);
    if (names.length === 0) return note(input.stage === 'before-start' ? 'no contract migration to revert before the start' : 'no migration left to revert');
    const report = await migrator.revert({ names });
    for (const step of report.steps) note(`reverted ${step.migration.name} (${step.migration.phase}) in ${step.durationMs} ms`);
  } finally {
    await db.close();
  }
}
