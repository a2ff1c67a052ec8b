export { checkMigration, type Finding, type Migration } from './check-migration';
export { formatFinding } from './format-finding';
export { RULES, type RuleId } from './rules';
export type { Phase } from './rules/context';
