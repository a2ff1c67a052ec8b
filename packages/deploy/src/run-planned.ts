import { userInfo } from 'node:os';
import { appendAudit, type AuditEntry, type AuditStep, checkDeployRoot, type HeldLock, LockedError } from '@switchyard/host';
import type { Color } from '@switchyard/templates';
import type { Step } from './actions';
import { type StepContext, stepContext } from './context';
import { DeployFailed } from './errors';
import { executeSteps, showPlan } from './execute';
import type { Facts } from './facts';
import { runAction } from './handlers';
import { observe } from './observe';
import { catchInterrupts, Interrupted, interruptedAt } from './interrupt';
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

export interface FrameOptions {
  /**
   * Check each deploy root (free space, a real write) before taking its lock: a command that ships
   * a release does; a switch or rollback writes a few hundred bytes and renames links, and takes no
   * 64 KiB fsync'd write on its way.
   */
  checkRoots: boolean;
}

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
export async function runPlanned(name: string, options: CommandOptions, frame: FrameOptions, plan: PlanFor): Promise<void> {
  const started = performance.now();
  await withRuntimes(options.config, { trustNewHostKey: options.trustNewHostKey ?? false }, async (rts) => {
    const outFor = (rt: Runtime) => (rt.host.name === 'local' ? options.out : onHost(options.out, rt.host.name));
    if (options.dryRun) {
      for (const rt of rts) {
        const out = outFor(rt);
        const planned = plan(await observe(rt, new Date()), rt);
        out.emit({ type: 'start', command: name, environment: rt.config.environment, detail: planned.detail });
        await showPlan(stepContext(rt, out), planned.steps);
      }
      options.out.emit({ type: 'finish', outcome: 'dry-run', durationMs: performance.now() - started });
      return;
    }
    // Until every lock is held nothing has changed: a signal there ends the command at once, as by default.
    const interrupts = new AbortController();
    const servers = await lockAll(rts, name, options, frame, outFor, plan, interrupts.signal);
    const releaseSignals = catchInterrupts(
      (signal) => {
        options.out.emit({ type: 'warning', message: `${signal}: stopping at the next safe point, then saying where traffic is (again to leave at once)` });
        interrupts.abort(signal);
      },
      (signal) => options.out.emit({ type: 'warning', message: `${signal} again: leaving now; run the same command again to finish` }),
    );
    try {
      if (servers.length === 1) await runOnOne(servers[0]!, name, started);
      else await runOnSeveral(servers, name, options, started, interrupts.signal);
    } finally {
      releaseSignals();
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

/**
 * Appends the command's audit line. One that cannot be written (a full disk) is a warning: the
 * exit code tells what happened to traffic, and a switch that was made must not read as failed.
 */
async function audit(server: OnServer, outcome: AuditEntry['outcome'], started: number, error?: unknown): Promise<void> {
  const { entry, rt } = server;
  entry.outcome = outcome;
  entry.durationMs = Math.round(performance.now() - started);
  if (error) entry.error = (error as Error).message;
  try {
    await appendAudit(rt.host, rt.layout.auditLog, entry, Object.values(rt.config.secretValues));
  } catch (failure) {
    server.ctx.out.emit({ type: 'warning', message: `the audit line could not be appended to ${rt.layout.auditLog}: ${(failure as Error).message}` });
  }
}

/** Checks each root and takes each server's lock, then observes and plans; nothing changes before every lock is held. */
async function lockAll(
  rts: Runtime[],
  name: string,
  options: CommandOptions,
  frame: FrameOptions,
  outFor: (rt: Runtime) => Reporter,
  plan: PlanFor,
  interrupted: AbortSignal,
): Promise<OnServer[]> {
  const limit = options.config.server.type === 'ssh' ? options.config.server.parallel : 1;
  const locked = await settleAll(rts, limit, async (rt) => {
    if (frame.checkRoots) await checkDeployRoot(rt.host, rt.layout.appRoot, MIN_FREE_BYTES);
    else await rt.host.mkdirp(rt.layout.appRoot);
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
      servers.push({ rt, ctx: stepContext(rt, outFor(rt), interrupted), planned, entry: auditEntry(rt, name, options, done), done, lock });
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

/** Where traffic is now, read again: what an interrupted command tells its user. */
async function trafficNow(rt: Runtime): Promise<string> {
  const facts = await observe(rt, new Date());
  if (!facts.live) return 'nothing is live';
  return `traffic is on ${facts.live} (release ${facts.releaseOf[facts.live] ?? 'unknown'})`;
}

/** The interruption, with where it left traffic and what to do: the message the command exits with. */
async function interruptedReport(server: OnServer, error: Interrupted): Promise<Interrupted> {
  const where = await trafficNow(server.rt).catch((e: unknown) => `where traffic is could not be read (${(e as Error).message}): run pnpm status`);
  return new Interrupted(`${error.message}: ${where}. Run the same command again to finish.`, error.signal);
}

async function runOnOne(server: OnServer, name: string, started: number): Promise<void> {
  recordPlan(server, name);
  try {
    await executeSteps(server.ctx, server.planned.steps, server.done);
    await audit(server, 'ok', started);
    server.ctx.out.emit({ type: 'finish', outcome: 'ok', durationMs: performance.now() - started });
  } catch (error) {
    const reported = error instanceof Interrupted ? await interruptedReport(server, error) : error;
    await audit(server, error instanceof Interrupted ? 'interrupted' : 'failed', started, reported);
    server.ctx.out.emit({
      type: 'finish',
      outcome: error instanceof Interrupted ? 'interrupted' : 'failed',
      durationMs: performance.now() - started,
      error: (reported as Error).message,
    });
    throw reported;
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
async function runOnSeveral(servers: OnServer[], name: string, options: CommandOptions, started: number, interrupted: AbortSignal): Promise<void> {
  const limit = options.config.server.type === 'ssh' ? options.config.server.parallel : 1;
  const phases = new Map(servers.map((server) => [server, splitPhases(server.planned.steps)]));
  const names = (list: OnServer[]) => list.map((s) => s.rt.host.name).join(', ');
  for (const server of servers) recordPlan(server, name);
  const fail = async (message: string, error?: unknown) => {
    if (interrupted.aborted) {
      // Each server was stopped at a safe point, and switched back if it had switched.
      const where = await Promise.all(servers.map(async (s) => `${s.rt.host.name}: ${await trafficNow(s.rt).catch(() => 'unknown, run pnpm status')}`));
      const stopped = interruptedAt(interrupted, `(${message}); ${where.join('; ')}. Run the same command again to finish.`);
      await settleAll(servers, limit, (server) => audit(server, 'interrupted', started, stopped));
      options.out.emit({ type: 'finish', outcome: 'interrupted', durationMs: performance.now() - started, error: stopped.message });
      throw stopped;
    }
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
