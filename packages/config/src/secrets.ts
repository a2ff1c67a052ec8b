import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { Secret } from './secret';

export interface SecretSources {
  environment: string;
  /** Directories searched for `.env` then `.env.<environment>`, in order; later ones win. */
  directories: readonly string[];
  processEnv: Readonly<Record<string, string | undefined>>;
}

export interface SecretsResult {
  values: Record<string, Secret>;
  missing: { name: string; lookedIn: string[] }[];
  /** Dotenv files that other users can read. */
  exposedFiles: string[];
  unreadable: { file: string; reason: string }[];
}

export function dotenvFiles(sources: SecretSources): string[] {
  const files = [...new Set(sources.directories)].flatMap((dir) => [join(dir, '.env'), join(dir, `.env.${sources.environment}`)]);
  return [...new Set(files)];
}

type DotenvRead = { parsed: Record<string, string> } | { absent: true } | { reason: string };

function readDotenv(file: string): DotenvRead {
  try {
    return { parsed: parse(readFileSync(file)) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { absent: true };
    return { reason: code === 'EISDIR' ? 'is a directory, expected a dotenv file' : `cannot be read (${code})` };
  }
}

/**
 * Reads the named secrets: dotenv files in order, then the process environment, which wins.
 * process.env is never written, so nothing else in the process sees the secrets.
 */
export function loadSecrets(names: readonly string[], sources: SecretSources): SecretsResult {
  const files = dotenvFiles(sources);
  const merged: Record<string, string> = {};
  const exposedFiles: string[] = [];
  const unreadable: SecretsResult['unreadable'] = [];
  for (const file of files) {
    const read = readDotenv(file);
    if ('reason' in read) unreadable.push({ file, reason: read.reason });
    if (!('parsed' in read)) continue;
    if ((statSync(file).mode & 0o077) !== 0) exposedFiles.push(file);
    Object.assign(merged, read.parsed);
  }
  const values: Record<string, Secret> = {};
  const missing: SecretsResult['missing'] = [];
  for (const name of names) {
    const value = sources.processEnv[name] ?? merged[name];
    if (value === undefined || value === '') missing.push({ name, lookedIn: ['the process environment', ...files] });
    else values[name] = new Secret(name, value);
  }
  return { values, missing, exposedFiles, unreadable };
}
