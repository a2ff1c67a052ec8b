// The config package's parts that load zod and the schema: apart from index.ts, so that a command
// whose config files were validated before (loadConfigCached) does not compile them at start.
export { configSchema } from './schema';
export { loadConfig } from './load';
export { configJsonSchema, baseJsonSchema } from './json-schema';
