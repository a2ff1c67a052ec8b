import { type Color, COLORS, otherColor } from './layout';
import { RenderError } from './errors';

/** Which colour takes traffic, and optionally a sticky share of it for the other one. */
export interface LiveState {
  live: Color;
  /** `percent` (1..99) of clients go to `color`, the rest to `live`. */
  canary?: { color: Color; percent: number };
}

export function checkLiveState(state: LiveState): LiveState {
  if (!COLORS.includes(state.live)) throw new RenderError('live: expected "blue" or "green"');
  const canary = state.canary;
  if (canary) {
    if (canary.color !== otherColor(state.live)) throw new RenderError('canary.color: expected the colour that is not live');
    if (!Number.isInteger(canary.percent) || canary.percent < 1 || canary.percent > 99)
      throw new RenderError('canary.percent: expected a whole number from 1 to 99');
  }
  return state;
}

/** The text served at /__switchyard/color: "blue\n", or "blue 90% green 10%\n" during a canary. */
export function renderLiveColor(state: LiveState): string {
  const { live, canary } = checkLiveState(state);
  if (!canary) return `${live}\n`;
  return `${live} ${100 - canary.percent}% ${canary.color} ${canary.percent}%\n`;
}
