import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Deploys of the repository's own example apps read its git commit, and git refuses a checkout
    // owned by another user than the one running the tests ("dubious ownership"), as a CI runner's
    // may be. The refusal itself is tested in packages/host, on a repository of its own.
    env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' },
  },
});
