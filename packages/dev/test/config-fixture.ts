import { resolve } from 'node:path';
import { type Config } from '@switchyard/config';
import { loadConfig } from '@switchyard/config/validation';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');

/** config/local.json over config/base.json, as dev:setup loads it. */
export function localConfig(): Config {
  // As dev:setup loads it before the secrets part: a developer's .env.local may not exist yet.
  const { config, errors } = loadConfig({ environment: 'local', cwd: PROJECT_ROOT, missingSecrets: 'allow' });
  if (!config) throw new Error(`config/local.json does not load: ${JSON.stringify(errors)}`);
  return config;
}
