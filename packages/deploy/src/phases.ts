import type { Action, Step } from './actions';

/**
 * A plan cut where several servers must wait for each other: `prepare` ends with the health gate
 * (nothing serves the new release yet), `move` ends once nginx confirms the switch and the watch
 * window has passed, `finish` is the rest (drain, records, prune). On one server the three run back to back.
 */
export interface Phases {
  prepare: Step[];
  move: Step[];
  finish: Step[];
  /** What puts traffic back as it was before `move` (the confirm step's undo). */
  undo: Action[];
}

export function splitPhases(steps: readonly Step[]): Phases {
  const gate = steps.map((s) => s.action.kind).lastIndexOf('health-gate');
  const confirm = steps.findIndex((s) => s.action.kind === 'confirm');
  if (confirm < 0) return { prepare: [...steps], move: [], finish: [], undo: [] };
  const confirmAction = steps[confirm]!.action as Extract<Action, { kind: 'confirm' }>;
  const moved = Math.max(confirm, steps.findIndex((s) => s.action.kind === 'watch'));
  return {
    prepare: steps.slice(0, gate + 1),
    move: steps.slice(gate + 1, moved + 1),
    finish: steps.slice(moved + 1),
    undo: confirmAction.undo,
  };
}
