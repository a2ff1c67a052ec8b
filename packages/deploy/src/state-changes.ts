import type { DeployState, ReleaseRecord, SwitchMode } from '@switchyard/host';
import type { Color } from '@switchyard/templates';

/* Pure transitions of state.json; each returns a new state, so a plan can hold every stage. */

export function withRelease(state: DeployState, release: ReleaseRecord): DeployState {
  if (state.releases.some((r) => r.id === release.id)) return state;
  return { ...state, releases: [...state.releases, release] };
}

export function colorRunning(state: DeployState, color: Color, run: { releaseId: string; sha: string; startedAt: string }): DeployState {
  return { ...state, colors: { ...state.colors, [color]: run } };
}

export function colorStopped(state: DeployState, color: Color): DeployState {
  return { ...state, colors: { ...state.colors, [color]: null } };
}

export interface SwitchEvent {
  at: string;
  deployId: string;
  to: Color;
  mode: SwitchMode;
  releaseId: string;
  canary?: { color: Color; percent: number };
}

export function switched(state: DeployState, event: SwitchEvent): DeployState {
  const { canary, ...rest } = event;
  const next: DeployState = {
    ...state,
    live: event.to,
    switchMode: event.mode,
    history: [
      ...state.history,
      { at: rest.at, deployId: rest.deployId, from: state.live, to: canary?.color ?? rest.to, mode: rest.mode, releaseId: rest.releaseId, ...(canary ? { percent: canary.percent } : {}) },
    ].slice(-50),
  };
  if (canary) next.canary = canary;
  else delete next.canary;
  return next;
}

export function releasesPruned(state: DeployState, removed: readonly string[]): DeployState {
  return { ...state, releases: state.releases.filter((r) => !removed.includes(r.id)) };
}
