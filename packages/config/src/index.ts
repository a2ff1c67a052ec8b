export { configSchema, EMBEDDED_DATABASE_VARIABLE, type AppConfig, type ConfigInput } from './schema';
export { loadConfig, listEnvironments, BASE_FILE, type Config, type LoadOptions, type LoadResult } from './load';
export { formatProblem, type Problem } from './problems';
export { parseJsonText, type JsonParseResult } from './json-source';
export { Secret, redactText } from './secret';
export { dotenvFiles, loadSecrets, type SecretSources, type SecretsResult } from './secrets';
export { configJsonSchema, baseJsonSchema } from './json-schema';
export { describeConfig } from './describe';
export { deepMerge } from './merge';
export {
  MODULE_CATALOG,
  MODULE_NAMES,
  moduleEnvironment,
  moduleRoutes,
  moduleUnits,
  type ModuleName,
  type ModuleDefinition,
} from './modules';
export * as values from './values';
export { SwitchyardError, UsageError, ConfigError } from './errors';
