import { userInfo } from 'node:os';
import { appendAudit, type AuditEntry, type AuditStep, checkDeployRoot, type HeldLock, LockedError } from '@switchyard/host';
import type { Color } from '@switchyard/templates';
import type { Step } from './actions';
import type { StepContext } from './context';
import { DeployFailed } from './errors';
import { executeSteps, showPlan } from './execute';
import type { Facts } from './facts';
import { runAction } from './handlers';
import { observe } from './observe';
import { splitPhases } from './phases';
import { onHost, type Reporter } from './reporter';
import { type Runtime, settleAll, withRuntimes } from './runtime';
import type { CommandOptions } from './commands';

const MIN_FREE_BYTES = 64 * 1024 * 1024;

export interface Planned {
  steps: Step[];
  detail: string;
  /** The colour this command brings up or moves traffic to, when it starts one. */
  target?: Color;
  releaseId?: string;
  sha?: string;
  /** The release holds uncommitted changes (--allow-dirty, or the local environment). */
  dirty?: boolean;
}

export type PlanFor = (facts: Facts, rt: Runtime) => Planned;

/** One server's share of a command: its context, plan, audit record and lock. */
interface OnServer {
  rt: Runtime;
  ctx: StepContext;
  planned: Planned;
  entry: AuditEntry;
  done: AuditStep[];
  lock: HeldLock;
}

const reasonOf = (result: PromiseSettledResult<unknown>) => (result.status === 'rejected' ? ((result.reason as Error).message ?? String(result.reason)) : '');

/**
 * The frame every changing command shares: connect to every server, check each root, take the
 * lock on every one (one lock for the environment), observe and plan each, then show the plans
 * (--dry-run) or execute them — on several servers in two phases, all switched or none.
 */
export async function runPlanned(name: string, options: CommandOptions, plan: PlanFor): Promise<void> {
  const started = performance.now();
  await withRuntimes(options.config, { trustNewHostKey: options.trustNewHostKey ?? false }, async (rts) => {
    const outFor = (rt: Runtime) => (rt.host.name === 'local' ? options.out : onHost(options.out, rt.host.name));
    if (options.dryRun) {
      for (const rt of rts) {
        const out = outFor(rt);
        const planned = plan(await observe(rt, new Date()), rt);
        out.emit({ type: 'start', command: name, environment: rt.config.environment, detail: planned.detail });
        await showPlan({ ...rt, out, logStarts: {} }, planned.steps);
      }
      options.out.emit({ type: 'finish', outcome: 'dry-run', durationMs: performance.now() - started });
      return;
    }
    const servers = await lockAll(rts, name, options, outFor, plan);
    try {
      if (servers.length === 1) await runOnOne(servers[0]!, name, started);
      else await runOnSeveral(servers, name, options, started);
    } finally {
      for (const server of servers) server.lock.release();
    }
  });
}

function auditEntry(rt: Runtime, name: string, options: CommandOptions, done: AuditStep[]): AuditEntry {
  return {
    deployId: options.deployId,
    at: new Date().toISOString(),
    user: userInfo().username,
    command: name,
    args: options.argv,
    environment: rt.config.environment,
    steps: done,
    outcome: 'ok',
    durationMs: 0,
  };
}

async function audit(server: OnServer, outcome: AuditEntry['outcome'], started: number, error?: unknown): Promise<void> {
  const { entry, rt } = server;
  entry.outcome = outcome;
  entry.durationMs = Math.round(performance.now() - started);
  if (error) entry.error = (error as Error).message;
  await appendAudit(rt.host, rt.layout.auditLog, entry, Object.values(rt.config.secretValues));
}

/** Checks each root and takes each server's lock, then observes and plans; nothing changes before every lock is held. */
async function lockAll(rts: Runtime[], name: string, options: CommandOptions, outFor: (rt: Runtime) => Reporter, plan: PlanFor): Promise<OnServer[]> {
  const limit = options.config.server.type === 'ssh' ? options.config.server.parallel : 1;
  const locked = await settleAll(rts, limit, async (rt) => {
    await checkDeployRoot(rt.host, rt.layout.appRoot, MIN_FREE_BYTES);
    return rt.host.lock(rt.layout.lockFile, { command: options.argv.join(' '), deployId: options.deployId }, { waitMs: options.waitMs });
  });
  const failed = locked.findIndex((r) => r.status === 'rejected');
  if (failed >= 0) {
    for (const r of locked) if (r.status === 'fulfilled') r.value.release();
    const reason = (locked[failed] as PromiseRejectedResult).reason as Error;
    const rt = rts[failed]!;
    // A refused lock is worth a line in the audit; a root that cannot take a deploy changes nothing, the audit included.
    if (reason instanceof LockedError) await appendAudit(rt.host, rt.layout.auditLog, { ...auditEntry(rt, name, options, []), outcome: 'locked', error: reason.message }, []);
    throw reason;
  }
  const servers: OnServer[] = [];
  for (const [i, rt] of rts.entries()) {
    const lock = (locked[i] as PromiseFulfilledResult<HeldLock>).value;
    try {
      const planned = plan(await observe(rt, new Date()), rt);
      const done: AuditStep[] = [];
      servers.push({ rt, ctx: { ...rt, out: outFor(rt), logStarts: {} }, planned, entry: auditEntry(rt, name, options, done), done, lock });
    } catch (error) {
      for (const r of locked) if (r.status === 'fulfilled') r.value.release();
      throw error;
    }
  }
  return servers;
}

function recordPlan(server: OnServer, name: string): void {
  const { planned, entry, ctx } = server;
  if (planned.releaseId) entry.releaseId = planned.releaseId;
  if (planned.sha) entry.sha = planned.sha;
  if (planned.dirty) entry.dirty = true;
  ctx.out.emit({ type: 'start', command: name, environment: ctx.config.environment, detail: planned.detail });
}

async function runOnOne(server: OnServer, name: string, started: number): Promise<void> {
  recordPlan(server, name);
  try {
    await executeSteps(server.ctx, server.planned.steps, server.done);
    await audit(server, 'ok', started);
    server.ctx.out.emit({ type: 'finish', outcome: 'ok', durationMs: performance.now() - started });
  } catch (error) {
    await audit(server, 'failed', started, error);
    server.ctx.out.emit({ type: 'finish', outcome: 'failed', durationMs: performance.now() - started, error: (error as Error).message });
    throw error;
  }
}

/** Stops what `prepare` started on a server whose traffic never moved. */
async function stopStarted(server: OnServer): Promise<void> {
  const target = server.planned.target;
  if (target && server.planned.steps.some((s) => s.action.kind === 'start-color'))
    await server.ctx.processes.stop(target, { timeoutMs: server.ctx.config.systemd.stopTimeoutSec * 1000 });
}

/**
 * Phase 1 on every server at once (bounded): ship, install, start, gate. Any failure → what was
 * started is stopped everywhere and nothing switched. Phase 2: every server switches; any failure
 * or lost server → the servers already switched are switched back. Then each finishes (drain, prune).
 */
async function runOnSeveral(servers: OnServer[], name: string, options: CommandOptions, started: number): Promise<void> {
  const limit = options.config.server.type === 'ssh' ? options.config.server.parallel : 1;
  const phases = new Map(servers.map((server) => [server, splitPhases(server.planned.steps)]));
  const names = (list: OnServer[]) => list.map((s) => s.rt.host.name).join(', ');
  for (const server of servers) recordPlan(server, name);
  const fail = async (message: string, error?: unknown) => {
    await settleAll(servers, limit, (server) => audit(server, 'failed', started, error ?? new Error(message)));
    options.out.emit({ type: 'finish', outcome: 'failed', durationMs: performance.now() - started, error: message });
    throw new DeployFailed(message);
  };

  const prepared = await settleAll(servers, limit, (server) => executeSteps(server.ctx, phases.get(server)!.prepare, server.done));
  const unprepared = servers.filter((_, i) => prepared[i]!.status === 'rejected');
  if (unprepared.length > 0) {
    await settleAll(servers.filter((s) => !unprepared.includes(s)), limit, stopStarted);
    const why = unprepared.map((s) => `${s.rt.host.name}: ${reasonOf(prepared[servers.indexOf(s)]!)}`).join('; ');
    return fail(`${names(unprepared)} failed before the switch, so no server switched (traffic is unchanged everywhere; what was started is stopped). ${why}`);
  }

  const moved = await settleAll(servers, servers.length, (server) => executeSteps(server.ctx, phases.get(server)!.move, server.done));
  const unmoved = servers.filter((_, i) => moved[i]!.status === 'rejected');
  if (unmoved.length > 0) {
    const switched = servers.filter((s) => !unmoved.includes(s));
    const back = await settleAll(switched, servers.length, async (server) => {
      server.ctx.out.emit({ type: 'note', message: 'switching back: another server failed its switch' });
      for (const action of phases.get(server)!.undo) await runAction(server.ctx, action);
    });
    const notBack = switched.filter((_, i) => back[i]!.status === 'rejected');
    await settleAll(servers, limit, stopStarted);
    const why = unmoved.map((s) => `${s.rt.host.name}: ${reasonOf(moved[servers.indexOf(s)]!)}`).join('; ');
    const undone = switched.length === 0 ? '' : ` ${names(switched.filter((s) => !notBack.includes(s)))} switched back.`;
    const stuck = notBack.length === 0 ? '' : ` ${names(notBack)} could NOT be switched back: check them with pnpm status.`;
    return fail(`the switch failed on ${names(unmoved)}.${undone}${stuck} ${why}`);
  }

  const finished = await settleAll(servers, limit, (server) => executeSteps(server.ctx, phases.get(server)!.finish, server.done));
  const unfinished = servers.filter((_, i) => finished[i]!.status === 'rejected');
  if (unfinished.length > 0)
    return fail(
      `every server switched, but ${names(unfinished)} failed afterwards: ${unfinished.map((s) => `${s.rt.host.name}: ${reasonOf(finished[servers.indexOf(s)]!)}`).join('; ')}`,
    );
  await settleAll(servers, limit, (server) => audit(server, 'ok', started));
  options.out.emit({ type: 'finish', outcome: 'ok', durationMs: performance.now() - started });
}
