import type { Node } from 'libpg-query';
import { alterTableViolations } from './rules/alter-table';
import type { RuleContext, Violation } from './rules/context';
import { indexViolations } from './rules/indexes';
import { renameOrDropViolations } from './rules/rename-or-drop';

/** Every rule that one statement breaks, before any allow comment is applied. */
export function statementViolations(node: Node, context: RuleContext): Violation[] {
  return [...indexViolations(node, context), ...alterTableViolations(node, context), ...renameOrDropViolations(node, context)];
}
