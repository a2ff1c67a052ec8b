import type { z } from 'zod';
import { closest } from './suggest';

export interface Problem {
  /** The file the problem is in, as the user named it (relative to the working directory). */
  readonly file: string;
  /** Key path such as "health.timeoutMs" or "modules[1]"; empty for the file as a whole. */
  readonly path: string;
  readonly message: string;
}

export function formatProblem(problem: Problem): string {
  return problem.path ? `${problem.file}: ${problem.path}: ${problem.message}` : `${problem.file}: ${problem.message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

/** Names the kind of a JSON value without ever showing the value itself. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  return `a ${typeof value}`;
}

const EXPECTED_NOUN: Record<string, string> = {
  number: 'a number',
  string: 'a string',
  object: 'an object',
  array: 'an array',
  boolean: 'true or false',
  record: 'an object',
};

type KnownKeys = (path: readonly PropertyKey[]) => string[];

/** One problem per zod issue (one per unknown key), worded for a person editing the JSON file. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], file: string, knownKeys: KnownKeys): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = issue.path as PropertyKey[];
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => {
          // Known, but to another member of a union: a "path" in a git source.
          if (knownKeys(path).includes(key)) return { file, path: formatPath([...path, key]), message: 'is not a key of this "type"' };
          const suggestion = closest(key, knownKeys(path));
          const hint = suggestion ? `; did you mean "${suggestion}"?` : `; expected one of: ${knownKeys(path).join(', ')}`;
          return { file, path: formatPath([...path, key]), message: `unknown key${hint}` };
        });
      case 'invalid_type': {
        const expected = issue.message.startsWith('Invalid input')
          ? `expected ${EXPECTED_NOUN[issue.expected] ?? issue.expected}`
          : issue.message;
        const message = issue.input === undefined ? `is required (${expected})` : `${expected}, got ${kindOf(issue.input)}`;
        return [{ file, path: formatPath(path), message }];
      }
      case 'invalid_value': {
        const allowed = issue.values.map((v) => JSON.stringify(v));
        const typo = typeof issue.input === 'string' ? closest(issue.input, issue.values.map(String)) : undefined;
        const base = issue.message.startsWith('Invalid') ? `expected one of ${allowed.join(', ')}` : issue.message;
        return [{ file, path: formatPath(path), message: typo ? `${base}; did you mean "${typo}"?` : base }];
      }
      default: {
        const missing = issue.code === 'invalid_union' && issue.input === undefined;
        return [{ file, path: formatPath(path), message: missing ? `is required (${issue.message})` : issue.message }];
      }
    }
  });
}
