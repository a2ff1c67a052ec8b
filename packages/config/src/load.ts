import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { configJsonSchema, knownKeysAt } from './json-schema';
import { parseJsonText } from './json-source';
import { deepMerge, hasPath } from './merge';
import { type Problem, kindOf, problemsFromIssues } from './problems';
import { type AppConfig, configSchema } from './schema';
import type { Secret } from './secret';
import { loadSecrets } from './secrets';
import { ENVIRONMENT_NAME } from './values';

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

type ReadJson = { ok: true; value: Record<string, unknown> } | { ok: false; problem: Problem } | { ok: 'absent' };

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
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Loads config/<environment>.json over the optional config/base.json, validates it, and reads the
 * secrets it requires. Every problem is reported, not just the first; `config` is set only when
 * there are no errors.
 */
export function loadConfig(options: LoadOptions): LoadResult {
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
    return { errors: [{ file: show(configDir), path: '', message }], warnings: [] };
  }

  const own = readJsonObject(configFile, shownFile);
  if (own.ok === 'absent') {
    const known = listEnvironments(configDir);
    const message = `no such file; environments in ${show(configDir)}: ${known.join(', ') || '(none)'}`;
    return { errors: [{ file: shownFile, path: '', message }], warnings: [] };
  }
  const baseFile = resolve(configDir, BASE_FILE);
  const base = readJsonObject(baseFile, show(baseFile));
  const errors: Problem[] = [];
  if (!own.ok) errors.push(own.problem);
  if (base.ok === false) errors.push(base.problem);
  if (errors.length > 0 || own.ok !== true) return { errors, warnings: [] };

  const baseValue = base.ok === true ? base.value : {};
  const merged = deepMerge(baseValue, own.value);
  const result = configSchema.safeParse(merged, { reportInput: true });
  const warnings: Problem[] = [];
  if (own.value.$schema === undefined)
    warnings.push({ file: shownFile, path: '$schema', message: 'is missing; add "$schema": "./schema.json" so editors check this file' });

  if (!result.success) {
    const jsonSchema = configJsonSchema();
    const knownKeys = (path: readonly PropertyKey[]) => knownKeysAt(jsonSchema, path);
    const grouped = new Map<string, typeof result.error.issues>();
    for (const issue of result.error.issues) {
      // A value the environment file does not hold itself came from the base file.
      const inBaseOnly = base.ok === true && !hasPath(own.value, issue.path) && hasPath(base.value, issue.path);
      const file = inBaseOnly ? show(baseFile) : shownFile;
      grouped.set(file, [...(grouped.get(file) ?? []), issue]);
    }
    for (const [file, issues] of grouped) errors.push(...problemsFromIssues(issues, file, knownKeys));
    return { errors, warnings };
  }

  const projectRoot = dirname(configDir);
  const secrets = loadSecrets([...result.data.secrets, ...result.data.deploySecrets], {
    environment,
    directories: [projectRoot, cwd],
    processEnv: options.processEnv ?? process.env,
  });
  for (const { name, lookedIn } of options.missingSecrets === 'allow' ? [] : secrets.missing)
    errors.push({
      file: shownFile,
      path: `${result.data.deploySecrets.includes(name) ? 'deploySecrets' : 'secrets'}.${name}`,
      message: `required secret is not set (looked in ${lookedIn.map(show).join(', ')})`,
    });
  for (const { file, reason } of secrets.unreadable) errors.push({ file: show(file), path: '', message: reason });
  for (const file of secrets.exposedFiles)
    warnings.push({ file: show(file), path: '', message: 'holds secrets but other users can read it; chmod 600 it' });
  if (errors.length > 0) return { errors, warnings };

  const config: Config = {
    ...result.data,
    environment,
    paths: { configFile, configDir, projectRoot },
    secretValues: secrets.values,
  };
  return { config, errors, warnings };
}
