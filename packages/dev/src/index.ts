export { type PartOutcome, summarizeParts } from './parts';
