import { UsageError } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { releaseIdFor } from '../src/ids';
import { shipsUncommitted } from '../src/source';
import { testConfig } from './fixtures';

const source = (uncommitted: string[]) => ({ dir: '/src/app', sha: 'abcdef0123', lockfileHash: null, uncommitted, ship: { type: 'path', dir: '/src/app', bytes: 4096 } as const });
const inEnvironment = (environment: string) => ({ ...testConfig(), environment });

describe('uncommitted changes in the source', () => {
  it('ship in the local environment, and anywhere with --allow-dirty', () => {
    expect(shipsUncommitted(inEnvironment('local'), source(['app/a.js']), false)).toBe(true);
    expect(shipsUncommitted(inEnvironment('production'), source(['app/a.js']), true)).toBe(true);
    expect(shipsUncommitted(inEnvironment('production'), source([]), false)).toBe(false);
  });

  it('are refused elsewhere, with the first ten named', () => {
    const files = Array.from({ length: 12 }, (_, i) => `app/f${i}.js`);
    expect(() => shipsUncommitted(inEnvironment('staging'), source(files), false)).toThrow(UsageError);
    expect(() => shipsUncommitted(inEnvironment('staging'), source(files), false)).toThrow(
      '/src/app has 12 uncommitted change(s): app/f0.js, app/f1.js, app/f2.js, app/f3.js, app/f4.js, app/f5.js, app/f6.js, app/f7.js, app/f8.js, app/f9.js and 2 more.',
    );
  });

  it('mark the release id', () => {
    const now = new Date('2026-12-03T09:41:07.123Z');
    expect(releaseIdFor(now, 'abcdef0123')).toBe('20261203T094107Z-abcdef0');
    expect(releaseIdFor(now, 'abcdef0123', true)).toBe('20261203T094107Z-abcdef0-dirty');
  });
});
