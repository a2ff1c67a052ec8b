import { describe, expect, it } from 'vitest';
import { disagreements, formatStatuses, type Status } from '../src/status';

const status = (host: string, live: 'blue' | 'green' | null, release: string): Status => ({
  app: 'shop',
  environment: 'production',
  host,
  nginx: 'running',
  url: 'https://shop.example.com',
  live,
  liveLink: live,
  backup: live,
  canary: null,
  switchMode: 'socket rename (no reload)',
  colors: [
    { color: 'blue', live: live === 'blue', releaseId: release, sha: 'abc1234', running: true, health: 'healthy', uptimeSeconds: 5, restarts: 0 },
    { color: 'green', live: live === 'green', releaseId: release, sha: 'abc1234', running: false, health: 'stopped', uptimeSeconds: null, restarts: null },
  ],
  migrations: null,
  lastDeploys: [],
});

describe('the status of several servers', () => {
  it('says nothing when every server serves the same colour and release', () => {
    expect(disagreements([status('web1', 'blue', 'r2'), status('web2', 'blue', 'r2')])).toEqual([]);
  });

  it('flags servers live on another release, naming each; the same release on another colour is no disagreement', () => {
    expect(disagreements([status('web1', 'blue', 'r2'), status('web2', 'green', 'r2')])).toEqual([]);
    const lines = disagreements([status('web1', 'blue', 'r2'), status('web2', 'green', 'r2'), status('web3', 'blue', 'r1')]);
    expect(lines).toEqual(['servers disagree on what is live: web1 blue (r2), web2 green (r2), web3 blue (r1)']);
    expect(formatStatuses([status('web1', 'blue', 'r2'), status('web2', null, 'r2')])[0]).toBe('! servers disagree on what is live: web1 blue (r2), web2 nothing');
  });
});

describe('a colour in status', () => {
  it("shows its process's own uptime and the restarts its supervisor made", () => {
    const crashing = status('local', 'blue', 'r2');
    crashing.colors[0] = { ...crashing.colors[0]!, uptimeSeconds: 2, restarts: 3 };
    expect(formatStatuses([crashing]).find((line) => line.startsWith('  blue'))).toMatch(/healthy, up 2s, restarted 3×  ← live$/);
    expect(formatStatuses([status('local', 'blue', 'r2')]).find((line) => line.startsWith('  blue'))).toMatch(/healthy, up 5s  ← live$/);
  });
});

describe('a lost live link in status', () => {
  it('names the colour nginx really serves, and says how the link gets repaired', () => {
    const lost = { ...status('local', 'blue', 'r2'), liveLink: null };
    expect(formatStatuses([lost])).toContain('! run/live.sock is missing: nginx serves blue through the backup link; the next deploy, switch or rollback repairs it');
    expect(formatStatuses([{ ...lost, liveLink: 'green' as const }])).toContain(
      '! run/live.sock names green, which is not running: nginx serves blue through the backup link; the next deploy, switch or rollback repairs it',
    );
    expect(formatStatuses([status('local', 'blue', 'r2')]).some((line) => line.includes('live.sock'))).toBe(false);
  });
});

describe('migrations in status', () => {
  const line = (migrations: Status['migrations']) => formatStatuses([{ ...status('local', 'blue', 'r2'), migrations }]).find((l) => l.startsWith('migrations'));

  it('names the pending contract migrations and when they run; says when all are applied or the database cannot be read', () => {
    expect(line({ pending: [{ name: '0003_drop_legacy_code', phase: 'contract' }] })).toBe(
      'migrations: 1 pending — 0003_drop_legacy_code (contract): they run at the next deploy once the old colour has stopped, or with `pnpm migrate up`',
    );
    expect(line({ pending: [] })).toBe('migrations: every migration of the live release is applied');
    expect(line({ unreadable: 'timeout exceeded when trying to connect' })).toBe('migrations: cannot read the database: timeout exceeded when trying to connect');
    expect(line(null)).toBeUndefined();
  });
});
