import { describe, expect, it } from 'vitest';
import { deepMerge } from '../src/merge';

describe('deepMerge', () => {
  it('merges objects key by key, at every depth', () => {
    const base = { nginx: { listen: { address: '127.0.0.1', port: 80 }, drainMs: 5000 }, keep: 5 };
    const over = { nginx: { listen: { port: 8080 } } };
    expect(deepMerge(base, over)).toEqual({ nginx: { listen: { address: '127.0.0.1', port: 8080 }, drainMs: 5000 }, keep: 5 });
  });

  it('replaces arrays instead of concatenating them', () => {
    expect(deepMerge({ modules: ['web', 'api'] }, { modules: ['worker'] })).toEqual({ modules: ['worker'] });
  });

  it('lets a scalar replace an object and an object replace a scalar', () => {
    expect(deepMerge({ a: { b: 1 } }, { a: 2 })).toEqual({ a: 2 });
    expect(deepMerge({ a: 2 }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });

  it('replaces an object of another type whole: none of the other type\'s keys stay', () => {
    const base = { source: { type: 'path', path: 'examples/app' } };
    expect(deepMerge(base, { source: { type: 'git', repository: '/srv/app.git' } })).toEqual({ source: { type: 'git', repository: '/srv/app.git' } });
    expect(deepMerge(base, { source: { type: 'path', path: 'other' } })).toEqual({ source: { type: 'path', path: 'other' } });
  });

  it('leaves both inputs untouched', () => {
    const base = { a: { b: 1 } };
    const over = { a: { c: 2 } };
    deepMerge(base, over);
    expect(base).toEqual({ a: { b: 1 } });
    expect(over).toEqual({ a: { c: 2 } });
  });
});
