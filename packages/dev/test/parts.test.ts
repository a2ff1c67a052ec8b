import { describe, expect, it } from 'vitest';
import { summarizeParts } from '../src/parts';

describe('summarizeParts', () => {
  it('gives each part its time and says what changed', () => {
    const lines = summarizeParts([
      { name: 'prerequisites', ms: 120, outcome: 'unchanged', detail: 'node 20.20.2, pnpm 10.34.9, nginx 1.22.1' },
      { name: 'database', ms: 2500, outcome: 'changed', detail: 'created and seeded' },
    ]);
    expect(lines).toEqual([
      '  prerequisites    0.12 s  unchanged: node 20.20.2, pnpm 10.34.9, nginx 1.22.1',
      '  database         2.50 s  created and seeded',
      '  total            2.62 s  changed: database',
    ]);
  });

  it('says so when a run changed nothing', () => {
    expect(summarizeParts([{ name: 'deploy', ms: 10, outcome: 'unchanged', detail: 'release x already live' }]).at(-1)).toBe('  total     0.01 s  nothing changed');
  });
});
