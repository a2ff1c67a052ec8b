import type { ConfigFiles } from './config-files';
import { configJsonSchema, knownKeysAt } from './json-schema';
import { hasPath } from './merge';
import { type Problem, problemsFromIssues } from './problems';
import { type AppConfig, configSchema } from './schema';

/** The merged files checked against the schema: the typed config, or every problem, each in the file that holds it. */
export function validateConfigFiles(files: ConfigFiles): { data: AppConfig } | { errors: Problem[] } {
  const result = configSchema.safeParse(files.merged, { reportInput: true });
  if (result.success) return { data: result.data };
  const { own, base, show } = files;
  const jsonSchema = configJsonSchema();
  const knownKeys = (path: readonly PropertyKey[]) => knownKeysAt(jsonSchema, path);
  const grouped = new Map<string, typeof result.error.issues>();
  for (const issue of result.error.issues) {
    // A value the environment file does not hold itself came from the base file.
    const inBaseOnly = base !== undefined && !hasPath(own.value, issue.path) && hasPath(base.value, issue.path);
    const file = inBaseOnly ? show(files.baseFile) : show(files.configFile);
    grouped.set(file, [...(grouped.get(file) ?? []), issue]);
  }
  const errors: Problem[] = [];
  for (const [file, issues] of grouped) errors.push(...problemsFromIssues(issues, file, knownKeys));
  return { errors };
}
