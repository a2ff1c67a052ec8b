import type { Config } from '@switchyard/config';
import type { DeployState } from '@switchyard/host';
import {
  bucketLinks,
  type Color,
  type LinkSpec,
  type LiveState,
  renderAll,
  renderLiveColor,
  renderWorkerUnit,
  servesEmbeddedDatabase,
  serverLayout,
  workerUnitName,
} from '@switchyard/templates';
import type { Action, Step } from './actions';
import type { Facts } from './facts';
import { colorStopped, switched } from './state-changes';

/** The embedded database's server, when Switchyard serves one: before migrations touch it and before a colour that reaches it starts. */
export function startDatabaseSteps(config: Config): Step[] {
  return servesEmbeddedDatabase(config) ? [{ name: 'Start the embedded database', action: { kind: 'start-database' } }] : [];
}

export function releasesOf(facts: Facts, overrides: Partial<Record<Color, string>>): Partial<Record<Color, string>> {
  const releases: Partial<Record<Color, string>> = {};
  for (const color of ['blue', 'green'] as const) {
    const release = overrides[color] ?? facts.releaseOf[color];
    if (release) releases[color] = release;
  }
  return releases;
}

/** Every canary bucket's link for this live state. */
export function bucketLinksFor(config: Config, live: LiveState): LinkSpec[] {
  return bucketLinks(serverLayout(config), live.canary?.percent ?? 0);
}

export function writeFilesStep(config: Config, live: LiveState, releases: Partial<Record<Color, string>>): Step {
  return {
    name: 'Write nginx, unit and env files',
    action: { kind: 'write-files', files: renderAll(config, live, { releases }), links: bucketLinksFor(config, live) },
  };
}

/** A command that moves traffic with nginx down would confirm nothing: it starts nginx first. */
export const startNginxSteps = (facts: Facts): Step[] => (facts.nginxRunning ? [] : [{ name: 'Start nginx (it was not running)', action: { kind: 'start-nginx' } }]);

/**
 * live.sock lost, or naming a colour that is not running, while nginx serves the backup's colour:
 * the link is made to name what really serves, before anything else changes, so that no later
 * step takes that colour for an idle one.
 */
export function repairLiveLinkSteps(facts: Facts): Step[] {
  if (!facts.live || facts.liveLink === facts.live) return [];
  const was = facts.liveLink ? `named ${facts.liveLink}, which is not running` : 'was missing';
  return [
    {
      name: `Repair run/live.sock (it ${was}; nginx serves ${facts.live} through the backup)`,
      action: { kind: 'switch-socket', live: facts.live, idle: facts.idle ?? facts.live },
    },
  ];
}

export const pointIdleStep = (color: Color, why: string): Step => ({ name: `Point idle.sock at ${color} (${why})`, action: { kind: 'point-idle', color } });

/**
 * Before `color` is (re)started: idle.sock — every bucket's backup — must not lead to a colour
 * that has not passed its gate, so it names the live colour until then. A colour still running
 * (kept warm, or deployed with --no-switch) may hold nginx's pooled connections: it is drained
 * like any old colour before it is stopped.
 */
export function replaceColorSteps(config: Config, facts: Facts, color: Color): Step[] {
  return [...stopColorSteps(config, facts, color), { name: `Start ${color}`, action: { kind: 'start-color', color } }];
}

/** Out of idle.sock first when it is the backup, then drained and stopped if it runs. */
export function stopColorSteps(config: Config, facts: Facts, color: Color): Step[] {
  const steps = facts.live && facts.live !== color && facts.idle === color ? [pointIdleStep(facts.live, `${color} is not gated yet`)] : [];
  if (facts.running[color]) steps.push({ name: `Drain and stop ${color}`, action: { kind: 'drain', color, maxWaitMs: config.nginx.drainMs } });
  return steps;
}

function bucketsStep(config: Config, live: LiveState): Step {
  const what = live.canary ? `Canary: ${live.canary.percent}% to ${live.canary.color}` : `Canary buckets back to ${live.live}`;
  return { name: `${what} (bucket links, no reload)`, action: { kind: 'point-buckets', live, links: bucketLinksFor(config, live) } };
}

/**
 * The renames that move traffic to `target`; no nginx reload in any mode. `idleAfter`: the colour
 * idle.sock names once traffic has moved — the old colour when it stays up, else the new live one,
 * so that a request failing on a colour about to be stopped is retried on the new one, never on it.
 */
function moveSteps(config: Config, facts: Facts, state: DeployState, target: LiveState, idleAfter: Color): Step[] {
  if (target.canary) {
    const canary = target.canary.color;
    // Canary buckets reach their colour through idle.sock.
    const point = facts.idle === canary ? [] : [pointIdleStep(canary, 'canary')];
    return [...point, bucketsStep(config, target)];
  }
  if (target.live === facts.live) return state.canary ? [bucketsStep(config, target)] : [];
  const name = `Switch to ${target.live} (socket rename, no reload)`;
  if (!state.canary) return [{ name, action: { kind: 'switch-socket', live: target.live, idle: idleAfter } }];
  // Completing a canary: its buckets still reach it through idle.sock until they are reset, so
  // idle.sock names the new live colour too in between; no client goes back and forth.
  const steps: Step[] = [{ name, action: { kind: 'switch-socket', live: target.live, idle: target.live } }, bucketsStep(config, target)];
  if (idleAfter !== target.live) steps.push(pointIdleStep(idleAfter, 'backup'));
  return steps;
}

/** The actions that put traffic back as observed before (idle.sock naming `idle`) and restore the recorded state. */
function undoMove(config: Config, facts: Facts, before: DeployState, idle: Color | null = facts.idle): Action[] {
  if (!facts.live) return [];
  const previous: LiveState = { live: facts.live, ...(before.canary ? { canary: before.canary } : {}) };
  return [
    { kind: 'switch-socket', live: facts.live, idle: idle ?? facts.live },
    { kind: 'point-buckets', live: previous, links: bucketLinksFor(config, previous) },
    { kind: 'record-state', state: before },
  ];
}

/**
 * The colour a switch to `target` keeps up as the backup while the colour it moves to is watched:
 * the live one, when this command started the new colour (`startsTarget`) and the live one runs.
 */
function watchedFrom(config: Config, facts: Facts, target: LiveState, startsTarget: boolean): Color | null {
  const live = facts.live;
  return startsTarget && !target.canary && config.health.watchMs > 0 && live && live !== target.live && facts.running[live] ? live : null;
}

/**
 * Moves traffic by renaming links — live.sock and idle.sock for a switch, the bucket links for a
 * canary — records it, and confirms it through nginx (putting everything back if nginx does not).
 * A colour this command started (`startsTarget`) is then watched with the old one as its backup:
 * a release that passes its gate and dies seconds later sends traffic back, not the site down.
 */
export function switchSteps(
  config: Config,
  facts: Facts,
  state: DeployState,
  target: LiveState,
  idleAfter: Color,
  deployId: string,
  startsTarget = false,
): { steps: Step[]; state: DeployState } {
  const to = target.canary?.color ?? target.live;
  const releaseId = facts.releaseOf[to] ?? state.colors[to]?.releaseId ?? 'unknown';
  const watched = watchedFrom(config, facts, target, startsTarget);
  const steps = moveSteps(config, facts, state, target, watched ?? idleAfter);
  const next = switched(state, {
    at: facts.now,
    deployId,
    to: target.live,
    mode: 'socket',
    releaseId,
    ...(target.canary ? { canary: target.canary } : {}),
  });
  steps.push({ name: 'Record state', action: { kind: 'record-state', state: next } });
  steps.push({ name: 'Confirm through nginx', action: { kind: 'confirm', expected: renderLiveColor(target), undo: undoMove(config, facts, state) } });
  if (watched) {
    const ms = config.health.watchMs;
    steps.push({
      name: `Watch ${to} for ${ms / 1000} s (${watched} stays up as its backup)`,
      // What this command recorded goes too: a release that failed its watch is no rollback target.
      action: { kind: 'watch', color: to, previous: watched, ms, undo: undoMove(config, facts, colorStopped(facts.state, to), watched) },
    });
    if (idleAfter !== watched) steps.push(pointIdleStep(idleAfter, `${watched} is about to stop`));
  }
  // The worker follows the live release: started at the first deploy, moved at each switch.
  const worker = facts.runsWorker && target.live !== facts.live ? renderWorkerUnit(config, target.live) : undefined;
  if (worker !== undefined)
    steps.push({
      name: `Restart the worker on ${target.live}'s release`,
      action: { kind: 'restart-worker', unit: { path: `${serverLayout(config).systemdDir}/${workerUnitName(config.app)}`, content: worker, mode: 0o644 } },
    });
  return { steps, state: next };
}

/**
 * Stops the old colour once nginx can no longer send it anything: its pooled connections have aged
 * out and its last requests are answered. Unless the config keeps it warm for an instant rollback.
 */
export function drainSteps(config: Config, state: DeployState, old: Color): { steps: Step[]; state: DeployState } {
  if (config.keepOldWarm) return { steps: [], state };
  const next = colorStopped(state, old);
  return {
    steps: [
      { name: `Drain and stop ${old}`, action: { kind: 'drain', color: old, maxWaitMs: config.nginx.drainMs } },
      { name: 'Record state', action: { kind: 'record-state', state: next } },
    ],
    state: next,
  };
}
