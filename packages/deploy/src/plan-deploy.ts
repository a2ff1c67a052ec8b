import type { Config } from '@switchyard/config';
import { type Color, otherColor } from '@switchyard/templates';
import type { ShipSource, Step } from './actions';
import { DeployFailed } from './errors';
import type { Facts } from './facts';
import { drainSteps, pointIdleStep, releasesOf, repairLiveLinkSteps, replaceColorSteps, startDatabaseSteps, stopColorSteps, switchSteps, writeFilesStep } from './plan-common';
import { colorRunning, colorStopped, releasesPruned, withRelease } from './state-changes';

export interface DeployInput {
  deployId: string;
  releaseId: string;
  sha: string;
  source: ShipSource;
  /** Hash of the source's lockfile, or null when it has none. */
  lockfileHash: string | null;
  /** false (--no-switch): stop after the health gate, so a person can try the staging route. */
  switch: boolean;
}

export interface Plan {
  steps: Step[];
  /** The colour this command brings up or moves traffic to. */
  target: Color;
}

/** Releases to delete: beyond `keep`, oldest first, never one a colour still points at. */
export function releasesToPrune(config: Config, facts: Facts, newRelease: string): string[] {
  const all = [...new Set([...facts.releases, newRelease])].sort();
  const inUse = new Set([facts.releaseOf.blue, facts.releaseOf.green, newRelease]);
  const excess = all.length - config.keep;
  return excess > 0 ? all.slice(0, excess).filter((id) => !inUse.has(id)) : [];
}

/** SQL migrations always have a contract phase; an app's own tool only with its contractCommand. */
const runsContract = (config: Config, facts: Facts) => facts.runsMigrations && (!config.migrations?.command || config.migrations.contractCommand !== undefined);

/** Once no colour runs the old code: what only the new code tolerates (a dropped column). */
const contractStep = (input: DeployInput): Step => ({
  name: 'Run contract migrations (the old colour has stopped)',
  action: { kind: 'migrate', phase: 'contract', source: input.source, deployId: input.deployId, releaseId: input.releaseId },
});

/** Ship, install, start the idle colour, gate it, switch, drain the old one, record, prune. */
export function planDeploy(config: Config, facts: Facts, input: DeployInput): Plan {
  if (facts.state.canary)
    throw new DeployFailed(
      `a canary is in progress (${facts.state.canary.percent}% to ${facts.state.canary.color}); finish it with \`pnpm switch --weight 100\` or cancel it with \`pnpm switch --weight 0\` first`,
    );
  // Ids have a second's resolution: a second deploy of the same code within it would redo a release a colour may run.
  if (facts.releases.includes(input.releaseId))
    throw new DeployFailed(`release ${input.releaseId} already exists on the server; deploy again in a second`);
  const live = facts.live;
  const target = live ? otherColor(live) : 'blue';
  const previous = [...facts.state.releases].reverse().find((r) => facts.releases.includes(r.id) && r.id !== input.releaseId);
  const reuseFrom =
    config.build.install && input.lockfileHash !== null && previous?.lockfileHash === input.lockfileHash ? previous.id : null;

  // Kept warm, the colour before the live one ran its old code until now: the contract migrations
  // the live release left waiting run once it has stopped, before this release's expand ones, which
  // were written after them.
  const liveRelease = live ? facts.releaseOf[live] : null;
  const leftWaiting = config.keepOldWarm && live !== null && liveRelease !== null && runsContract(config, facts);
  const beforeExpand: Step[] = leftWaiting
    ? [
        ...stopColorSteps(config, facts, target),
        {
          name: `Run the contract migrations ${liveRelease} left waiting (${target} has stopped)`,
          action: { kind: 'migrate', phase: 'contract', source: 'on-server', deployId: input.deployId, releaseId: liveRelease },
        },
      ]
    : [];
  const replaced: Facts = leftWaiting ? { ...facts, running: { ...facts.running, [target]: false }, idle: facts.idle === target ? live : facts.idle } : facts;

  let state = withRelease(facts.state, { id: input.releaseId, sha: input.sha, createdAt: facts.now, lockfileHash: input.lockfileHash });
  state = colorRunning(state, target, { releaseId: input.releaseId, sha: input.sha, startedAt: facts.now });
  const { install, build, lockfile } = config.build;
  const shared = config.shared;
  const steps: Step[] = [
    { name: 'Check the deploy root', action: { kind: 'preflight' } },
    ...repairLiveLinkSteps(facts),
    ...(config.assets ? [{ name: 'Check the asset store', action: { kind: 'check-asset-store' } } as const] : []),
    { name: `Ship release ${input.releaseId}`, action: { kind: 'ship-release', releaseId: input.releaseId, source: input.source, basis: facts.releases.at(-1) ?? null } },
    ...(shared.dirs.length + shared.files.length > 0
      ? [{ name: 'Link shared paths', action: { kind: 'link-shared', releaseId: input.releaseId, dirs: shared.dirs, files: shared.files } } as const]
      : []),
    ...(install || build
      ? [
          {
            name: reuseFrom ? `Install (${lockfile} unchanged: reuse ${reuseFrom})` : install ? 'Install dependencies' : 'Build',
            action: { kind: 'install', releaseId: input.releaseId, reuseFrom },
          } as const,
        ]
      : []),
    // Before anything starts: the new release's pages may name only what is published.
    ...(config.assets
      ? [{ name: `Publish assets (${config.assets.from})`, action: { kind: 'publish-assets', releaseId: input.releaseId, deployId: input.deployId } } as const]
      : []),
    ...startDatabaseSteps(config),
    ...beforeExpand,
    ...(facts.runsMigrations
      ? [{ name: 'Run expand migrations (what the live colour tolerates)', action: { kind: 'migrate', phase: 'expand', source: input.source, deployId: input.deployId, releaseId: input.releaseId } } as const]
      : []),
    { name: `Link ${target} to ${input.releaseId}`, action: { kind: 'link-color', color: target, releaseId: input.releaseId } },
    writeFilesStep(config, { live: live ?? target }, releasesOf(facts, { [target]: input.releaseId })),
    ...replaceColorSteps(config, replaced, target),
    { name: `Health gate ${target}`, action: { kind: 'health-gate', color: target, stopOnFailure: true, warmUp: true } },
  ];
  if (!input.switch) {
    // Gated: now the staging route and the live colour's backup.
    if (live) steps.push(pointIdleStep(target, 'gated: staging route and backup'));
    steps.push({ name: 'Record state', action: { kind: 'record-state', state } });
    return { steps, target };
  }
  const oldStaysUp = live !== null && facts.running[live] && config.keepOldWarm;
  const switching = switchSteps(
    config,
    { ...facts, releaseOf: { ...facts.releaseOf, [target]: input.releaseId } },
    state,
    { live: target },
    oldStaysUp ? live : target,
    input.deployId,
    true,
  );
  steps.push(...switching.steps);
  state = switching.state;
  if (live && facts.running[live]) {
    const draining = drainSteps(config, state, live);
    steps.push(...draining.steps);
    state = draining.state;
    // Kept warm, the old colour still runs the old code: contract migrations wait for a later deploy.
    if (!config.keepOldWarm && runsContract(config, facts)) steps.push(contractStep(input));
  } else if (live) {
    // The old colour died on its own: say so in the state rather than keep it as running.
    state = colorStopped(state, live);
    steps.push({ name: 'Record state', action: { kind: 'record-state', state } });
    if (runsContract(config, facts)) steps.push(contractStep(input));
  } else if (runsContract(config, facts)) steps.push(contractStep(input));
  const prune = releasesToPrune(config, facts, input.releaseId);
  if (prune.length > 0) {
    steps.push({ name: `Prune ${prune.length} old release(s)`, action: { kind: 'prune', releaseIds: prune } });
    steps.push({ name: 'Record state', action: { kind: 'record-state', state: releasesPruned(state, prune) } });
  }
  return { steps, target };
}
