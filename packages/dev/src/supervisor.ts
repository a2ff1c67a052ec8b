import type { Config } from '@switchyard/config';
import { aptFix } from './apt';
import type { PrerequisiteFinding } from './finding';

/** What decides the supervisor, observed on this machine (see probe.ts). */
export interface SupervisorFacts {
  readonly root: boolean;
  readonly systemdIsPid1: boolean;
  /** /lib/systemd/systemd, which host's ensureUserManager starts as a private user manager. */
  readonly systemdBinary: boolean;
  readonly systemctl: boolean;
}

/**
 * Which supervisor will run the colours, as host's chooseProcessDriver decides it: the system
 * manager for root where systemd is PID 1, else a user manager (started privately where none
 * answers), else, with `auto`, plain processes. A problem only when the config insists on systemd.
 */
export function supervisorFinding(setting: Config['supervisor'], facts: SupervisorFacts, where: { root: boolean; aptGet: boolean }): PrerequisiteFinding {
  const why = `supervisor: "${setting}"`;
  const found = (detail: string): PrerequisiteFinding => ({ name: 'supervisor', ok: true, detail, why, info: true });
  if (setting === 'plain') return found('plain processes');
  if (facts.root && facts.systemdIsPid1) return found('systemd system manager');
  if (facts.systemdBinary && facts.systemctl) return found(facts.systemdIsPid1 ? 'systemd user manager' : 'systemd user manager (started privately: systemd is not PID 1)');
  if (setting === 'auto') return found('plain processes (no systemd here)');
  return { name: 'supervisor', ok: false, detail: 'no systemd here (neither systemctl nor /lib/systemd/systemd)', why, aptPackage: 'systemd', fix: aptFix(['systemd'], where) };
}
