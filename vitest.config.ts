import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  test: {
    projects: [here('packages/*'), here('examples/*'), here('test')],
    reporters: ['default', here('test/support/summary-reporter.ts')],
  },
});
