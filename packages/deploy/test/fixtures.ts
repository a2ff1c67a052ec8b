import { type Config, deepMerge } from '@switchyard/config';
import { configSchema } from '@switchyard/config/validation';
import { initialState } from '@switchyard/host';
import type { Facts } from '../src/facts';

export function testConfig(overrides: Record<string, unknown> = {}): Config {
  const input = deepMerge(
    {
      app: 'shop',
      server: { type: 'local', root: '/srv' },
      build: { install: ['npm', 'ci'], lockfile: 'package-lock.json' },
      start: { command: ['node', 'server.js'] },
      keep: 3,
    },
    overrides,
  );
  return {
    ...configSchema.parse(input),
    environment: 'test',
    paths: { configFile: '/p/config/test.json', configDir: '/p/config', projectRoot: '/p' },
    secretValues: {},
  };
}

export const R1 = '20261101T000000Z-aaaaaaa';
export const R2 = '20261102T000000Z-bbbbbbb';
export const R3 = '20261103T000000Z-ccccccc';
export const NEW = '20261110T000000Z-ddddddd';

const record = (id: string) => ({ id, sha: id.slice(-7), createdAt: '2026-11-01T00:00:00.000Z', lockfileHash: 'lock-1' });

/** Blue live on R2, green stopped on R1: the state after two deploys. */
export function factsAfterTwoDeploys(overrides: Partial<Facts> = {}): Facts {
  const state = initialState();
  state.live = 'blue';
  state.switchMode = 'socket';
  state.colors.blue = { releaseId: R2, sha: 'bbbbbbb', startedAt: '2026-11-02T00:00:00.000Z' };
  state.releases = [record(R1), record(R2)];
  const facts = {
    now: '2026-11-10T00:00:00.000Z',
    state,
    live: 'blue' as const,
    idle: 'blue' as const,
    releaseOf: { blue: R2, green: R1 },
    running: { blue: true, green: false },
    releases: [R1, R2],
    nginxRunning: true,
    runsWorker: false,
    runsMigrations: false,
    ...overrides,
  };
  // live.sock names the live colour unless a test says otherwise.
  return { ...facts, liveLink: 'liveLink' in overrides ? (overrides.liveLink ?? null) : facts.live };
}

export function factsFresh(): Facts {
  return { now: '2026-11-10T00:00:00.000Z', state: initialState(), live: null, liveLink: null, idle: null, releaseOf: { blue: null, green: null }, running: { blue: false, green: false }, releases: [], nginxRunning: true, runsWorker: false, runsMigrations: false };
}
