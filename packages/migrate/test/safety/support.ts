import { checkMigration, type Finding, type Phase } from '../../src/safety';

/** Checks `sql` as `migrations/0002_test.sql`: an expand migration in a transaction unless told. */
export function check(sql: string, options: { phase?: Phase; transaction?: boolean } = {}): Promise<Finding[]> {
  return checkMigration({ file: 'migrations/0002_test.sql', sql, phase: options.phase ?? 'expand', transaction: options.transaction ?? true });
}

/** Findings as `line rule`, the two facts most tests are about. */
export async function where(sql: string, options: { phase?: Phase; transaction?: boolean } = {}): Promise<string[]> {
  return (await check(sql, options)).map((finding) => `${finding.line} ${finding.rule}`);
}
