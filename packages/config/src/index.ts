// What every command needs, without zod: validating a config is ./validation's (loadConfig), which
// a command loads only for files it has not validated before (loadConfigCached).
export type { AppConfig, ConfigInput } from './schema';
export { EMBEDDED_DATABASE_VARIABLE } from './names';
export { allowed } from './allow-lists';
export { listEnvironments, BASE_FILE, type Config, type LoadOptions, type LoadResult } from './config-files';
export { loadConfigCached } from './cached-load';
export { formatProblem, type Problem } from './problems';
export { parseJsonText, type JsonParseResult } from './json-source';
export { Secret, redactText } from './secret';
export { dotenvFiles, loadSecrets, type SecretSources, type SecretsResult } from './secrets';
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
export { SwitchyardError, UsageError, ConfigError } from './errors';
