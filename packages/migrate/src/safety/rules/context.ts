import type { RuleId } from '../rules';
import type { Seen } from '../seen';

/** expand: runs while the old colour still serves; contract: once it has stopped. */
export type Phase = 'expand' | 'contract';

export interface RuleContext {
  phase: Phase;
  /** Whether the runner wraps the migration in a transaction (no `-- switchyard: no-transaction`). */
  transaction: boolean;
  seen: Seen;
}

/** What one statement breaks; the check adds the file, the line and the safe way. */
export interface Violation {
  rule: RuleId;
  message: string;
}
