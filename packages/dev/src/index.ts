export { type PartOutcome, summarizeParts } from './parts';
export { checkPrerequisites, ensurePrerequisites, type CheckOptions, type EnsureOptions, type EnsureResult } from './prerequisites';
export type { PrerequisiteFinding } from './finding';
export { checkLines } from './check-lines';
