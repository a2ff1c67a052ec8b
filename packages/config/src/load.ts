import { type LoadOptions, type LoadResult, readConfigFiles, withSecrets } from './config-files';
import { validateConfigFiles } from './validate';

/**
 * Loads config/<environment>.json over the optional config/base.json, validates it, and reads the
 * secrets it requires. Every problem is reported, not just the first; `config` is set only when
 * there are no errors.
 */
export function loadConfig(options: LoadOptions): LoadResult {
  const read = readConfigFiles(options);
  if ('failed' in read) return read.failed;
  const validated = validateConfigFiles(read.files);
  if ('errors' in validated) return { errors: validated.errors, warnings: read.files.warnings };
  return withSecrets(read.files, validated.data, options);
}
