import { describe, expect, it } from 'vitest';
import { compareVersions, describeRange, outsideRange } from '../src/version-range';

describe('version ranges', () => {
  it('compares numerically, part by part', () => {
    expect(compareVersions('1.22.1', '1.19.10')).toBeGreaterThan(0);
    expect(compareVersions('1.9.0', '1.19.10')).toBeLessThan(0);
    expect(compareVersions('20.19', '20.19.0')).toBe(0);
  });

  it('says why a version is outside, or nothing when it is inside', () => {
    expect(outsideRange('20.18.3', { atLeast: '20.19' })).toBe('20.18.3 is older than 20.19');
    expect(outsideRange('20.19.0', { atLeast: '20.19' })).toBeUndefined();
    expect(outsideRange('11.0.1', { atLeast: '10', below: '11' })).toBe('11.0.1 is not 10.x');
    expect(outsideRange('9.15.0', { atLeast: '10', below: '11' })).toBe('9.15.0 is older than 10');
  });

  it('names a whole major as N.x', () => {
    expect(describeRange({ atLeast: '10', below: '11' })).toBe('10.x');
    expect(describeRange({ atLeast: '1.19.10' })).toBe('1.19.10 or later');
    expect(describeRange({ atLeast: '10.2', below: '11' })).toBe('10.2 or later, below 11');
  });
});
