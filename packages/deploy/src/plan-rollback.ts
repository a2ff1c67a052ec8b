import type { Config } from '@switchyard/config';
import { otherColor } from '@switchyard/templates';
import type { Step } from './actions';
import { DeployFailed } from './errors';
import type { Facts } from './facts';
import { drainSteps, releasesOf, repairLiveLinkSteps, replaceColorSteps, startDatabaseSteps, startNginxSteps, switchSteps, writeFilesStep } from './plan-common';
import { colorRunning } from './state-changes';

/**
 * The release to go back to: the one that was live before the live one, per the switch history,
 * else the newest older one. Only releases a deploy recorded (they passed their gate) and that are
 * still on the server qualify: a deploy refused by its gate leaves its link on the idle colour, but
 * never becomes a rollback target.
 */
export function rollbackRelease(facts: Facts): string | undefined {
  if (!facts.live) return undefined;
  const liveRelease = facts.releaseOf[facts.live];
  const usable = new Set(facts.state.releases.map((r) => r.id).filter((id) => facts.releases.includes(id) && id !== liveRelease));
  const previouslyLive = [...facts.state.history].reverse().find((h) => h.percent === undefined && usable.has(h.releaseId));
  if (previouslyLive) return previouslyLive.releaseId;
  return [...usable].filter((id) => liveRelease === null || id < liveRelease).sort().at(-1);
}

export interface RollbackInput {
  deployId: string;
  /** --migrations: revert what the release rolled back to does not know, instead of refusing past a contract migration. */
  migrations: boolean;
}

/**
 * Back to the previous release: instantly when its colour is still warm, else start, gate and
 * switch. With SQL migrations, the journal is checked first (and with --migrations, reverted around
 * the switch); an app's own migration tool is left to the app.
 */
export function planRollback(baseConfig: Config, facts: Facts, input: RollbackInput): Step[] {
  // Once its migrations are reverted, the release rolled back from cannot serve again: its colour stops.
  const config = input.migrations ? { ...baseConfig, keepOldWarm: false } : baseConfig;
  const deployId = input.deployId;
  const live = facts.live;
  if (!live) throw new DeployFailed('nothing is live yet; there is nothing to roll back');
  if (facts.state.canary) throw new DeployFailed('a canary is in progress; cancel it with `pnpm switch --weight 0` instead');
  const release = rollbackRelease(facts);
  if (!release) throw new DeployFailed('no earlier release is on the server to roll back to');
  const idle = otherColor(live);
  const warm = facts.running[idle] && facts.releaseOf[idle] === release;

  const from = facts.releaseOf[live];
  const sqlMigrations = facts.runsMigrations && !config.migrations?.command && from !== null;
  const migrationStep = (stage: 'before-start' | 'after-stop'): Step[] =>
    sqlMigrations
      ? [
          {
            name:
              stage === 'before-start'
                ? input.migrations
                  ? `Revert the newest contract migrations ${release} does not know`
                  : `Check the migrations applied after ${release}`
                : `Revert the migrations ${release} does not know (${live} has stopped)`,
            action: { kind: 'rollback-migrations', stage, from, to: release, revert: input.migrations, deployId },
          },
        ]
      : [];

  const steps: Step[] = [...startDatabaseSteps(config), ...migrationStep('before-start'), ...startNginxSteps(facts), ...repairLiveLinkSteps(facts)];
  let state = facts.state;
  if (!warm) {
    const sha = facts.state.releases.find((r) => r.id === release)?.sha ?? '0000';
    state = colorRunning(state, idle, { releaseId: release, sha, startedAt: facts.now });
    steps.push(
      { name: `Link ${idle} to ${release}`, action: { kind: 'link-color', color: idle, releaseId: release } },
      writeFilesStep(config, { live }, releasesOf(facts, { [idle]: release })),
      ...replaceColorSteps(config, facts, idle),
    );
  }
  steps.push({ name: `Health gate ${idle}`, action: { kind: 'health-gate', color: idle, stopOnFailure: !warm, warmUp: !warm } });
  const switching = switchSteps(
    config,
    { ...facts, releaseOf: { ...facts.releaseOf, [idle]: release } },
    state,
    { live: idle },
    config.keepOldWarm ? live : idle,
    deployId,
    !warm,
  );
  steps.push(...switching.steps);
  steps.push(...drainSteps(config, switching.state, live).steps);
  if (input.migrations) steps.push(...migrationStep('after-stop'));
  return steps;
}
