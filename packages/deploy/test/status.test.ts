import { describe, expect, it } from 'vitest';
import { disagreements, formatStatuses, type Status } from '../src/status';

const status = (host: string, live: 'blue' | 'green' | null, release: string): Status => ({
  app: 'shop',
  environment: 'production',
  host,
  nginx: 'running',
  url: 'https://shop.example.com',
  live,
  backup: live,
  canary: null,
  switchMode: 'socket rename (no reload)',
  colors: [
    { color: 'blue', live: live === 'blue', releaseId: release, sha: 'abc1234', running: true, health: 'healthy', uptimeSeconds: 5 },
    { color: 'green', live: live === 'green', releaseId: release, sha: 'abc1234', running: false, health: 'stopped', uptimeSeconds: null },
  ],
  lastDeploys: [],
});

describe('the status of several servers', () => {
  it('says nothing when every server serves the same colour and release', () => {
    expect(disagreements([status('web1', 'blue', 'r2'), status('web2', 'blue', 'r2')])).toEqual([]);
  });

  it('flags servers live on another colour or another release, naming each', () => {
    const lines = disagreements([status('web1', 'blue', 'r2'), status('web2', 'green', 'r2'), status('web3', 'blue', 'r1')]);
    expect(lines).toEqual(['servers disagree on what is live: web1 blue (r2), web2 green (r2), web3 blue (r1)']);
    expect(formatStatuses([status('web1', 'blue', 'r2'), status('web2', null, 'r2')])[0]).toBe('! servers disagree on what is live: web1 blue (r2), web2 nothing');
  });
});
