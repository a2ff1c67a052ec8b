import type { Config } from '@switchyard/config';
import type { DeployState } from '@switchyard/host';
import { bucketLinks, type Color, type LinkSpec, type LiveState, renderAll, renderLiveColor, renderLiveConf, serverLayout } from '@switchyard/templates';
import type { Action, Step } from './actions';
import type { Facts } from './facts';
import { colorStopped, switched } from './state-changes';

/** Pause between moving the traffic and SIGTERM to the old colour: nginx's requests already on their way land first. */
export const DRAIN_GRACE_MS = 200;

export const usesSocketSwitch = (config: Config) => config.start.listen.type === 'socket';

export function releasesOf(facts: Facts, overrides: Partial<Record<Color, string>>): Partial<Record<Color, string>> {
  const releases: Partial<Record<Color, string>> = {};
  for (const color of ['blue', 'green'] as const) {
    const release = overrides[color] ?? facts.releaseOf[color];
    if (release) releases[color] = release;
  }
  return releases;
}

/** Socket mode: every canary bucket's link for this live state. Ports: none (live.conf splits). */
export function bucketLinksFor(config: Config, live: LiveState): LinkSpec[] {
  return usesSocketSwitch(config) ? bucketLinks(serverLayout(config), live.canary?.percent ?? 0) : [];
}

export function writeFilesStep(config: Config, live: LiveState, releases: Partial<Record<Color, string>>): Step {
  return {
    name: 'Write nginx, unit and env files',
    action: { kind: 'write-files', files: renderAll(config, live, { releases }), links: bucketLinksFor(config, live) },
  };
}

/** Socket mode: nginx's config never changes; traffic moves by renaming links only. */
function socketSwitchSteps(config: Config, facts: Facts, state: DeployState, live: LiveState): Step[] {
  const steps: Step[] = [];
  if (live.live !== facts.live) steps.push({ name: `Switch to ${live.live} (socket rename, no reload)`, action: { kind: 'switch-socket', live: live.live } });
  // After the rename, so that completing a canary moves its clients only once their colour is live.
  if (live.canary || state.canary) {
    const what = live.canary ? `Canary: ${live.canary.percent}% to ${live.canary.color}` : `Canary buckets back to ${live.live}`;
    steps.push({ name: `${what} (bucket links, no reload)`, action: { kind: 'point-buckets', live, links: bucketLinksFor(config, live) } });
  }
  return steps;
}

function reloadSwitchStep(config: Config, live: LiveState): Step {
  const layout = serverLayout(config);
  const what = live.canary ? `Canary: ${live.canary.percent}% to ${live.canary.color}` : `Switch to ${live.live}`;
  return {
    name: `${what} (nginx reload)`,
    action: { kind: 'switch-reload', live, liveConf: { path: layout.liveConf, content: renderLiveConf(config, live), mode: 0o644 } },
  };
}

/**
 * Moves traffic. Sockets: renames of live.sock/idle.sock for a switch and of the bucket links for
 * a canary — no nginx reload at all. Ports: live.conf rewritten and nginx reloaded gracefully.
 */
export function switchSteps(config: Config, facts: Facts, state: DeployState, live: LiveState, deployId: string): { steps: Step[]; state: DeployState } {
  const target = live.canary?.color ?? live.live;
  const releaseId = facts.releaseOf[target] ?? state.colors[target]?.releaseId ?? 'unknown';
  const socket = usesSocketSwitch(config);
  const steps = socket ? socketSwitchSteps(config, facts, state, live) : [reloadSwitchStep(config, live)];
  const next = switched(state, {
    at: facts.now,
    deployId,
    to: live.live,
    mode: socket ? 'socket' : 'reload',
    releaseId,
    ...(live.canary ? { canary: live.canary } : {}),
  });
  steps.push({ name: 'Record state', action: { kind: 'record-state', state: next } });
  const undo = facts.live ? undoSwitch(config, { ...facts, live: live.live }, next, { live: facts.live, ...(state.canary ? { canary: state.canary } : {}) }, state) : [];
  steps.push({ name: 'Confirm through nginx', action: { kind: 'confirm', expected: renderLiveColor(live), undo } });
  return { steps, state: next };
}

/** The actions that move traffic back to `previous` and restore the state recorded before. */
function undoSwitch(config: Config, facts: Facts, switchedState: DeployState, previous: LiveState, before: DeployState): Action[] {
  const back = usesSocketSwitch(config) ? socketSwitchSteps(config, facts, switchedState, previous) : [reloadSwitchStep(config, previous)];
  return [...back.map((step) => step.action), { kind: 'record-state', state: before }];
}

/** Stops the old colour after the grace, unless the config keeps it warm for an instant rollback. */
export function drainSteps(config: Config, state: DeployState, old: Color): { steps: Step[]; state: DeployState } {
  if (config.keepOldWarm) return { steps: [], state };
  const next = colorStopped(state, old);
  return {
    steps: [
      { name: `Drain and stop ${old}`, action: { kind: 'drain', color: old, graceMs: DRAIN_GRACE_MS } },
      { name: 'Record state', action: { kind: 'record-state', state: next } },
    ],
    state: next,
  };
}
