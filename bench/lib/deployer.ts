import { type CommandOptions, deployCommand, newDeployId, releaseIdFor, rollbackCommand, switchCommand } from '@switchyard/deploy';
import { type OpRecord, recordingReporter, type TimedStep } from './ops';
import { now } from './probe';
import type { BenchProject } from './project';

export interface Deployer {
  /** A deploy of the next source: start the idle colour, gate, switch, drain and stop the old one. */
  deploy(): Promise<OpRecord>;
  /** Back to the previous release (started fresh when its colour is not warm). */
  rollback(): Promise<OpRecord>;
  /** `switch` alone: traffic to the other colour, both running (nothing is started or stopped). */
  switch(): Promise<OpRecord>;
}

/**
 * Runs deploys and rollbacks in-process against a project, alternating its two sources, with
 * release ids one second apart at least (they are made from the time, to the second).
 */
export function deployer(project: BenchProject): Deployer {
  let lastStamp = 0;
  let deploys = 0;
  const releaseId = (sha: string, dirty: boolean) => {
    lastStamp = Math.max(Date.now(), lastStamp + 1000);
    return releaseIdFor(new Date(lastStamp), sha, dirty);
  };
  const run = async (kind: OpRecord['kind'], command: (options: CommandOptions) => Promise<void>): Promise<OpRecord> => {
    const steps: TimedStep[] = [];
    const op: OpRecord = { kind, start: now(), end: 0, steps, ok: true };
    try {
      await command({ config: project.config, out: recordingReporter(steps), deployId: newDeployId(), argv: ['bench', kind], dryRun: false });
    } catch (error) {
      op.ok = false;
      op.error = (error as Error).message.split('\n')[0];
    }
    op.end = now();
    return op;
  };
  return {
    deploy: () => {
      const source = deploys++ % 2 === 0 ? project.sources[0] : project.sources[1];
      return run('deploy', (options) => deployCommand({ ...options, switch: true, source, allowDirty: false, releaseId }));
    },
    rollback: () => run('rollback', (options) => rollbackCommand({ ...options, migrations: false })),
    switch: () => run('switch', (options) => switchCommand(options)),
  };
}
