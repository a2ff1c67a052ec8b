import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'catalog-app', include: ['test/**/*.test.{ts,js}'] } });
