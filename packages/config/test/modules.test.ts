import { describe, expect, it } from 'vitest';
import { MODULE_NAMES, moduleEnvironment, moduleRoutes, moduleUnits } from '../src/modules';

describe('modules', () => {
  it('derive routes, units and variables from the enabled set only', () => {
    expect(moduleRoutes(['web', 'api'])).toEqual(['/', '/api/']);
    expect(moduleUnits(['web', 'api'])).toEqual([]);
    expect(moduleUnits(['web', 'worker'])).toEqual(['worker']);
  });

  it('tell the app which modules are on, and which are off', () => {
    const env = moduleEnvironment(['api', 'worker']);
    expect(env.MODULES).toBe('api,worker');
    expect(env.FEATURE_API).toBe('1');
    expect(env.FEATURE_WORKER).toBe('1');
    expect(env.FEATURE_WEB).toBe('0');
    expect(Object.keys(env)).toHaveLength(MODULE_NAMES.length + 1);
  });
});
