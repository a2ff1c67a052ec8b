import type { Config } from '@switchyard/config';
import type { DeployState } from '@switchyard/host';
import { type Color, type LiveState, renderAll, renderLiveColor, renderLiveConf, serverLayout } from '@switchyard/templates';
import type { Step } from './actions';
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

export function writeFilesStep(config: Config, live: LiveState, releases: Partial<Record<Color, string>>): Step {
  return { name: 'Write nginx, unit and env files', action: { kind: 'write-files', files: renderAll(config, live, { releases }) } };
}

/**
 * Moves traffic: a rename of live.sock where the app is on sockets and no canary is involved (no
 * nginx reload at all), otherwise live.conf rewritten and nginx reloaded gracefully.
 */
export function switchSteps(config: Config, facts: Facts, state: DeployState, live: LiveState, deployId: string): { steps: Step[]; state: DeployState } {
  const target = live.canary?.color ?? live.live;
  const releaseId = facts.releaseOf[target] ?? state.colors[target]?.releaseId ?? 'unknown';
  const steps: Step[] = [];
  const socket = usesSocketSwitch(config);
  if (socket && live.live !== facts.live) steps.push({ name: `Switch to ${live.live} (socket rename, no reload)`, action: { kind: 'switch-socket', live: live.live } });
  const canaryInvolved = live.canary !== undefined || state.canary !== undefined;
  if (!socket || canaryInvolved) {
    const layout = serverLayout(config);
    const what = live.canary ? `Canary: ${live.canary.percent}% to ${live.canary.color}` : `Switch to ${live.live}`;
    steps.push({
      name: `${what} (nginx reload)`,
      action: { kind: 'switch-reload', live, liveConf: { path: layout.liveConf, content: renderLiveConf(config, live), mode: 0o644 } },
    });
  }
  const next = switched(state, {
    at: facts.now,
    deployId,
    to: live.live,
    mode: socket && !live.canary ? 'socket' : 'reload',
    releaseId,
    ...(live.canary ? { canary: live.canary } : {}),
  });
  steps.push({ name: 'Record state', action: { kind: 'record-state', state: next } });
  steps.push({ name: 'Confirm through nginx', action: { kind: 'confirm', expected: renderLiveColor(live) } });
  return { steps, state: next };
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
