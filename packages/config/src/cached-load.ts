import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConfigFiles, type LoadOptions, type LoadResult, readConfigFiles, withSecrets } from './config-files';
import type { AppConfig } from './schema';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface CacheEntry {
  key: string;
  data: AppConfig;
}

function readCached(file: string, key: string): AppConfig | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
    return entry.key === key ? entry.data : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: a cache that cannot be written (a read-only checkout, a full disk) only costs the next command its speed. */
function remember(cacheDir: string, file: string, entry: CacheEntry): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    writeFileSync(temp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // no temp file was made (the directory could not be)
    }
  }
}

/**
 * loadConfig for the commands, which start often (a switch, a status): files whose exact bytes
 * passed validation before are not validated again, so the schema and zod (most of a switch's
 * start-up) are not even loaded; new bytes are validated as by loadConfig and remembered. The
 * cache holds only what the JSON files say, as the schema returned it: secrets are read from the
 * environment and .env files every time, and errors are never cached. `cacheDir` must belong to
 * one build of the schema (the commands keep theirs in dist/, which every build removes), and be
 * writable only by whoever may change the commands themselves; undefined: validate every time.
 */
export async function loadConfigCached(options: LoadOptions, cacheDir: string | undefined): Promise<LoadResult> {
  const read = readConfigFiles(options);
  if ('failed' in read) return read.failed;
  const { files } = read;
  if (cacheDir === undefined) return validated(files, options);
  const key = sha256(JSON.stringify([files.base?.text ?? null, files.own.text]));
  const file = join(cacheDir, `${files.environment}-${sha256(files.configDir).slice(0, 16)}.json`);
  const cached = readCached(file, key);
  if (cached) return withSecrets(files, cached, options);
  return validated(files, options, (data) => remember(cacheDir, file, { key, data }));
}

async function validated(files: ConfigFiles, options: LoadOptions, valid?: (data: AppConfig) => void): Promise<LoadResult> {
  const { validateConfigFiles } = await import('./validate');
  const result = validateConfigFiles(files);
  if ('errors' in result) return { errors: result.errors, warnings: files.warnings };
  valid?.(result.data);
  return withSecrets(files, result.data, options);
}
