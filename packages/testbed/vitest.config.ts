import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'testbed', include: ['test/**/*.test.{ts,js}'] } });
