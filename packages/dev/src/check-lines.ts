import type { PrerequisiteFinding } from './finding';

/**
 * What `dev:setup --check` prints: one line per problem, naming the thing, what is wrong, why it
 * is needed and the exact fix; then the supervisor the colours will run under, as information.
 */
export function checkLines(findings: readonly PrerequisiteFinding[]): string[] {
  const problems = findings.filter((finding) => !finding.ok).map((finding) => `${finding.name}: ${finding.detail}. Needed: ${finding.why}.${finding.fix ? ` Fix: ${finding.fix}` : ''}`);
  const info = findings.filter((finding) => finding.ok && finding.info).map((finding) => `${finding.name}: ${finding.detail}, from ${finding.why}`);
  return [...problems, ...info];
}
