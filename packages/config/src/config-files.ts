import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ENVIRONMENT_NAME } from './names';
import { parseJsonText } from './json-source';
import { deepMerge } from './merge';
import { type Problem, kindOf } from './problems';
import type { AppConfig } from './schema';
import type { Secret } from './secret';
import { loadSecrets } from './secrets';

// Nothing here loads zod: a command whose config was validated before (cached-load.ts) reads its
// files and secrets with this module alone.

export const BASE_FILE = 'base.json';
const NOT_ENVIRONMENTS = new Set(['base', 'schema', 'schema.base']);
const MAX_FILE_BYTES = 1024 * 1024;

export interface Config extends AppConfig {
  /** The environment's name: the file config/<environment>.json. */
  readonly environment: string;
  readonly paths: {
    readonly configFile: string;
    readonly configDir: string;
    /** The project root: the directory above the config directory. */
    readonly projectRoot: string;
  };
  readonly secretValues: Readonly<Record<string, Secret>>;
}

export interface LoadOptions {
  environment: string;
  /** Default: "config" in the working directory. */
  configDir?: string;
  cwd?: string;
  processEnv?: Readonly<Record<string, string | undefined>>;
  /**
   * "allow": a secret that is not set is left out of secretValues instead of being an error, for
   * the one command that sets them up (pnpm dev:setup). Every other command needs them all.
   */
  missingSecrets?: 'error' | 'allow';
}

export interface LoadResult {
  config?: Config;
  errors: Problem[];
  warnings: Problem[];
}

/** An environment's files, read and parsed as JSON, not validated yet. */
export interface ConfigFiles {
  environment: string;
  cwd: string;
  configDir: string;
  configFile: string;
  baseFile: string;
  /** A path as the user is shown it: relative to the working directory when below it. */
  show: (file: string) => string;
  own: { text: string; value: Record<string, unknown> };
  base: { text: string; value: Record<string, unknown> } | undefined;
  /** The base file under the environment's own. */
  merged: unknown;
  warnings: Problem[];
}

export function listEnvironments(configDir: string): string[] {
  try {
    return readdirSync(configDir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter((name) => ENVIRONMENT_NAME.test(name) && !NOT_ENVIRONMENTS.has(name))
      .sort();
  } catch {
    return [];
  }
}

type ReadJson = { ok: true; text: string; value: Record<string, unknown> } | { ok: false; problem: Problem } | { ok: 'absent' };

function readJsonObject(file: string, shown: string): ReadJson {
  let text: string;
  try {
    const stats = statSync(file);
    if (stats.isDirectory()) return { ok: false, problem: { file: shown, path: '', message: 'is a directory, expected a JSON file' } };
    if (stats.size > MAX_FILE_BYTES)
      return { ok: false, problem: { file: shown, path: '', message: `is ${stats.size} bytes, expected at most ${MAX_FILE_BYTES}` } };
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: 'absent' };
    return { ok: false, problem: { file: shown, path: '', message: `cannot be read (${code})` } };
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { ok: false, problem: { file: `${shown}:${parsed.line}:${parsed.column}`, path: '', message: parsed.reason } };
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: { file: shown, path: '', message: `expected a JSON object, got ${kindOf(value)}` } };
  return { ok: true, text, value: value as Record<string, unknown> };
}

/** Reads config/<environment>.json and the optional config/base.json; a problem here ends the load. */
export function readConfigFiles(options: LoadOptions): { files: ConfigFiles } | { failed: LoadResult } {
  const cwd = options.cwd ?? process.cwd();
  const configDir = resolve(cwd, options.configDir ?? 'config');
  const show = (file: string) => {
    const rel = relative(cwd, file);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
  };
  const environment = options.environment;
  const configFile = resolve(configDir, `${environment}.json`);
  const shownFile = show(configFile);

  if (!ENVIRONMENT_NAME.test(environment) || NOT_ENVIRONMENTS.has(environment)) {
    const known = listEnvironments(configDir);
    const message = `"${environment.slice(0, 40)}" is not an environment name; expected one of: ${known.join(', ') || '(none found)'}`;
    return { failed: { errors: [{ file: show(configDir), path: '', message }], warnings: [] } };
  }

  const own = readJsonObject(configFile, shownFile);
  if (own.ok === 'absent') {
    const known = listEnvironments(configDir);
    const message = `no such file; environments in ${show(configDir)}: ${known.join(', ') || '(none)'}`;
    return { failed: { errors: [{ file: shownFile, path: '', message }], warnings: [] } };
  }
  const baseFile = resolve(configDir, BASE_FILE);
  const base = readJsonObject(baseFile, show(baseFile));
  const errors: Problem[] = [];
  if (!own.ok) errors.push(own.problem);
  if (base.ok === false) errors.push(base.problem);
  if (errors.length > 0 || own.ok !== true) return { failed: { errors, warnings: [] } };

  const warnings: Problem[] = [];
  if (own.value.$schema === undefined)
    warnings.push({ file: shownFile, path: '$schema', message: 'is missing; add "$schema": "./schema.json" so editors check this file' });
  const baseRead = base.ok === true ? { text: base.text, value: base.value } : undefined;
  return {
    files: {
      environment,
      cwd,
      configDir,
      configFile,
      baseFile,
      show,
      own: { text: own.text, value: own.value },
      base: baseRead,
      merged: deepMerge(baseRead?.value ?? {}, own.value),
      warnings,
    },
  };
}

/** The validated config with the secrets it requires, read from the environment and .env files. */
export function withSecrets(files: ConfigFiles, data: AppConfig, options: LoadOptions): LoadResult {
  const { environment, configDir, configFile, show } = files;
  const errors: Problem[] = [];
  const warnings = [...files.warnings];
  const projectRoot = dirname(configDir);
  const secrets = loadSecrets([...data.secrets, ...data.deploySecrets], {
    environment,
    directories: [projectRoot, files.cwd],
    processEnv: options.processEnv ?? process.env,
  });
  for (const { name, lookedIn } of options.missingSecrets === 'allow' ? [] : secrets.missing)
    errors.push({
      file: show(configFile),
      path: `${data.deploySecrets.includes(name) ? 'deploySecrets' : 'secrets'}.${name}`,
      message: `required secret is not set (looked in ${lookedIn.map(show).join(', ')})`,
    });
  for (const { file, reason } of secrets.unreadable) errors.push({ file: show(file), path: '', message: reason });
  for (const file of secrets.exposedFiles)
    warnings.push({ file: show(file), path: '', message: 'holds secrets but other users can read it; chmod 600 it' });
  if (errors.length > 0) return { errors, warnings };
  const config: Config = {
    ...data,
    environment,
    paths: { configFile, configDir, projectRoot },
    secretValues: secrets.values,
  };
  return { config, errors, warnings };
}
