import { userInfo } from 'node:os';
import type { Config } from '@switchyard/config';
import { appendAudit, type AuditEntry, type AuditStep, checkDeployRoot, LockedError } from '@switchyard/host';
import type { Color } from '@switchyard/templates';
import type { Step } from './actions';
import { executeSteps, showPlan } from './execute';
import type { Facts } from './facts';
import type { StepContext } from './context';
import { observe } from './observe';
import { planDeploy } from './plan-deploy';
import { planRollback } from './plan-rollback';
import { planSwitch } from './plan-switch';
import { onHost, type Reporter } from './reporter';
import { type Runtime, withRuntime } from './runtime';
import { resolveSource, shipsUncommitted } from './source';

const MIN_FREE_BYTES = 64 * 1024 * 1024;

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

interface Planned {
  steps: Step[];
  detail: string;
  releaseId?: string;
  sha?: string;
  /** The release holds uncommitted changes (--allow-dirty, or the local environment). */
  dirty?: boolean;
}

/**
 * The frame every changing command shares: check the root, take the lock, observe, plan, then
 * either show the plan (--dry-run) or execute it; log the outcome to the audit file.
 */
async function runPlanned(name: string, options: CommandOptions, plan: (facts: Facts) => Planned): Promise<void> {
  const started = performance.now();
  await withRuntime(options.config, { trustNewHostKey: options.trustNewHostKey ?? false }, (rt) => runPlannedOn(rt, name, options, plan, started));
}

async function runPlannedOn(rt: Runtime, name: string, options: CommandOptions, plan: (facts: Facts) => Planned, started: number): Promise<void> {
  const { config } = options;
  const out = rt.host.name === 'local' ? options.out : onHost(options.out, rt.host.name);
  const ctx: StepContext = { ...rt, out, logStarts: {} };
  if (options.dryRun) {
    const planned = plan(await observe(rt, new Date()));
    out.emit({ type: 'start', command: name, environment: config.environment, detail: planned.detail });
    await showPlan(ctx, planned.steps);
    out.emit({ type: 'finish', outcome: 'dry-run', durationMs: performance.now() - started });
    return;
  }
  await checkDeployRoot(rt.host, rt.layout.appRoot, MIN_FREE_BYTES);
  const steps: AuditStep[] = [];
  const entry: AuditEntry = {
    deployId: options.deployId,
    at: new Date().toISOString(),
    user: userInfo().username,
    command: name,
    args: options.argv,
    environment: config.environment,
    steps,
    outcome: 'ok',
    durationMs: 0,
  };
  const audit = async (outcome: AuditEntry['outcome'], error?: unknown) => {
    entry.outcome = outcome;
    entry.durationMs = Math.round(performance.now() - started);
    if (error) entry.error = (error as Error).message;
    await appendAudit(rt.host, rt.layout.auditLog, entry, Object.values(config.secretValues));
  };

  let lock;
  try {
    lock = await rt.host.lock(rt.layout.lockFile, { command: options.argv.join(' '), deployId: options.deployId }, { waitMs: options.waitMs });
  } catch (error) {
    if (error instanceof LockedError) await audit('locked', error);
    throw error;
  }
  try {
    const planned = plan(await observe(rt, new Date()));
    if (planned.releaseId) entry.releaseId = planned.releaseId;
    if (planned.sha) entry.sha = planned.sha;
    if (planned.dirty) entry.dirty = true;
    out.emit({ type: 'start', command: name, environment: config.environment, detail: planned.detail });
    await executeSteps(ctx, planned.steps, steps);
    await audit('ok');
    out.emit({ type: 'finish', outcome: 'ok', durationMs: performance.now() - started });
  } catch (error) {
    await audit('failed', error);
    out.emit({ type: 'finish', outcome: 'failed', durationMs: performance.now() - started, error: (error as Error).message });
    throw error;
  } finally {
    lock.release();
  }
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
  await runPlanned('deploy', options, (facts) => {
    const plan = planDeploy(options.config, facts, {
      deployId: options.deployId,
      releaseId,
      sha: source.sha,
      source: source.dir,
      lockfileHash: source.lockfileHash,
      switch: options.switch,
    });
    const detail = `release ${releaseId} to ${plan.target}${dirty ? ` (${source.uncommitted.length} uncommitted change(s))` : ''}`;
    return { steps: plan.steps, detail, releaseId, sha: source.sha, dirty };
  });
}

export interface SwitchOptions extends CommandOptions {
  to?: Color;
  weight?: number;
}

export async function switchCommand(options: SwitchOptions): Promise<void> {
  await runPlanned('switch', options, (facts) => {
    const steps = planSwitch(options.config, facts, { deployId: options.deployId, to: options.to, weight: options.weight });
    return { steps, detail: `from ${facts.live}${options.weight !== undefined ? `, weight ${options.weight}` : ''}` };
  });
}

export async function rollbackCommand(options: CommandOptions): Promise<void> {
  await runPlanned('rollback', options, (facts) => ({
    steps: planRollback(options.config, facts, options.deployId),
    detail: `from ${facts.live} (${facts.live ? facts.releaseOf[facts.live] : 'nothing'})`,
  }));
}
