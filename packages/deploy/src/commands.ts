import { type Config, UsageError } from '@switchyard/config';
import type { Color } from '@switchyard/templates';
import { planDeploy } from './plan-deploy';
import { planRollback } from './plan-rollback';
import { planSwitch } from './plan-switch';
import type { Reporter } from './reporter';
import { runPlanned } from './run-planned';
import { resolveSource, shipsUncommitted } from './source';

export interface CommandOptions {
  config: Config;
  out: Reporter;
  deployId: string;
  /** The command line as typed, for the lock holder and the audit log. */
  argv: string[];
  dryRun: boolean;
  /** --wait: how long to wait for another command's lock. */
  waitMs?: number;
  /** --trust-new-host-key */
  trustNewHostKey?: boolean;
}

export interface DeployOptions extends CommandOptions {
  /** --no-switch */
  switch: boolean;
  /** --source: ship this directory instead of config.source. */
  source?: string;
  /** --allow-dirty: ship uncommitted changes outside the local environment too. */
  allowDirty: boolean;
  releaseId: (sha: string, dirty: boolean) => string;
}

export async function deployCommand(options: DeployOptions): Promise<void> {
  const source = resolveSource(options.config, options.source);
  const dirty = shipsUncommitted(options.config, source, options.allowDirty);
  const releaseId = options.releaseId(source.sha, dirty);
  await runPlanned('deploy', options, { checkRoots: true }, (facts, rt) => {
    const plan = planDeploy(rt.config, facts, {
      deployId: options.deployId,
      releaseId,
      sha: source.sha,
      source: source.ship,
      lockfileHash: source.lockfileHash,
      switch: options.switch,
    });
    const detail = `release ${releaseId} to ${plan.target}${dirty ? ` (${source.uncommitted.length} uncommitted change(s))` : ''}`;
    return { steps: plan.steps, detail, target: plan.target, releaseId, sha: source.sha, dirty };
  });
}

export interface SwitchOptions extends CommandOptions {
  to?: Color;
  weight?: number;
}

export async function switchCommand(options: SwitchOptions): Promise<void> {
  await runPlanned('switch', options, { checkRoots: false }, (facts, rt) => {
    const steps = planSwitch(rt.config, facts, { deployId: options.deployId, to: options.to, weight: options.weight });
    return { steps, detail: `from ${facts.live}${options.weight !== undefined ? `, weight ${options.weight}` : ''}` };
  });
}

export interface RollbackOptions extends CommandOptions {
  /** --migrations */
  migrations: boolean;
}

export async function rollbackCommand(options: RollbackOptions): Promise<void> {
  const migrations = options.config.migrations;
  if (options.migrations && !migrations)
    throw new UsageError(`--migrations: ${options.config.paths.configFile} has no "migrations" section: this environment runs no migrations to revert`);
  if (options.migrations && migrations?.command)
    throw new UsageError(
      `--migrations: ${options.config.paths.configFile}: migrations.command runs the app's own migration tool, whose migrations Switchyard cannot revert: revert them with that tool, then roll back without --migrations`,
    );
  await runPlanned('rollback', options, { checkRoots: false }, (facts, rt) => ({
    steps: planRollback(rt.config, facts, { deployId: options.deployId, migrations: options.migrations }),
    detail: `from ${facts.live} (${facts.live ? facts.releaseOf[facts.live] : 'nothing'})`,
  }));
}
