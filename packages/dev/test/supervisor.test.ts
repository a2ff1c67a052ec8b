import { describe, expect, it } from 'vitest';
import { type SupervisorFacts, supervisorFinding } from '../src/supervisor';

const CONTAINER: SupervisorFacts = { root: true, systemdIsPid1: false, systemdBinary: true, systemctl: true };
const NO_SYSTEMD: SupervisorFacts = { root: false, systemdIsPid1: false, systemdBinary: false, systemctl: false };
const where = { root: false, aptGet: true };

describe('supervisorFinding', () => {
  it('names the supervisor as information', () => {
    expect(supervisorFinding('auto', CONTAINER, where)).toEqual({
      name: 'supervisor',
      ok: true,
      info: true,
      detail: 'systemd user manager (started privately: systemd is not PID 1)',
      why: 'supervisor: "auto"',
    });
    expect(supervisorFinding('auto', { ...CONTAINER, systemdIsPid1: true }, where).detail).toBe('systemd system manager');
    expect(supervisorFinding('auto', { ...CONTAINER, root: false, systemdIsPid1: true }, where).detail).toBe('systemd user manager');
    expect(supervisorFinding('plain', CONTAINER, where).detail).toBe('plain processes');
  });

  it('falls back to plain processes with auto, and is a problem only when systemd is required', () => {
    expect(supervisorFinding('auto', NO_SYSTEMD, where)).toMatchObject({ ok: true, detail: 'plain processes (no systemd here)' });
    expect(supervisorFinding('systemd', NO_SYSTEMD, where)).toEqual({
      name: 'supervisor',
      ok: false,
      detail: 'no systemd here (neither systemctl nor /lib/systemd/systemd)',
      why: 'supervisor: "systemd"',
      aptPackage: 'systemd',
      fix: 'sudo apt-get install -y systemd',
    });
  });
});
