import type { Config } from '@switchyard/config';
import { type Color, type LiveState, otherColor } from '@switchyard/templates';
import type { Step } from './actions';
import { DeployFailed } from './errors';
import type { Facts } from './facts';
import { repairLiveLinkSteps, startNginxSteps, switchSteps } from './plan-common';

export interface SwitchInput {
  deployId: string;
  /** The colour to move traffic to; default: the one not live. */
  to?: Color;
  /** Percent of clients for `to`: 1–99 a sticky canary, 100 the whole switch, 0 cancels a canary. */
  weight?: number;
}

/** Moves traffic between two running colours; the other keeps running, so this is reversible at once. */
export function planSwitch(config: Config, facts: Facts, input: SwitchInput): Step[] {
  const live = facts.live;
  if (!live) throw new DeployFailed('nothing is live yet; deploy first');
  const canary = facts.state.canary;
  const weight = input.weight ?? 100;
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) throw new DeployFailed('--weight: expected a whole number from 0 to 100');

  if (weight === 0) {
    if (!canary) throw new DeployFailed('no canary is in progress; --weight 0 cancels one');
    return [...startNginxSteps(facts), ...repairLiveLinkSteps(facts), ...switchSteps(config, facts, facts.state, { live }, facts.idle ?? live, input.deployId).steps];
  }
  const to = input.to ?? canary?.color ?? otherColor(live);
  if (weight < 100 && to === live) throw new DeployFailed(`${to} is already live; a canary sends a share of traffic to the colour that is not`);
  if (weight === 100 && to === live && !canary) throw new DeployFailed(`${to} is already live`);
  if (!facts.running[to]) throw new DeployFailed(`${to} is not running; deploy with --no-switch first, or roll back`);

  const target: LiveState = weight === 100 ? { live: to } : { live, canary: { color: to, percent: weight } };
  const gate: Step = { name: `Health gate ${to}`, action: { kind: 'health-gate', color: to, stopOnFailure: false, warmUp: false } };
  // Both colours keep running: the one traffic leaves stays the other's backup.
  return [...startNginxSteps(facts), ...repairLiveLinkSteps(facts), gate, ...switchSteps(config, facts, facts.state, target, live, input.deployId).steps];
}
