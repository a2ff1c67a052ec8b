import type { Finding } from './check-migration';

/**
 * One line per finding, `file:line: rule: what; the safe way`, which editors and terminals turn
 * into a link; a rule's line also says how to override it on purpose.
 */
export function formatFinding({ file, line, rule, message, safeWay }: Finding): string {
  const override = rule === 'parse-error' ? '' : ` (or -- switchyard: allow ${rule} on the line before)`;
  return `${file}:${line}: ${rule}: ${message}; ${safeWay}${override}`;
}
