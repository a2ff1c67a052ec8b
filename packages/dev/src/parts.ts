/** One part of `pnpm dev:setup` as it ended: what it did, or that there was nothing to do. */
export interface PartOutcome {
  readonly name: string;
  readonly ms: number;
  /** `changed`: it did something; `unchanged`: everything was already in place. */
  readonly outcome: 'changed' | 'unchanged';
  readonly detail: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * The closing summary: a line per part with its time, then the total, and whether the run changed
 * anything (a second run on a working setup says it changed nothing).
 */
export function summarizeParts(parts: readonly PartOutcome[]): string[] {
  const width = Math.max(0, ...parts.map((part) => part.name.length));
  const lines = parts.map((part) => `  ${part.name.padEnd(width)}  ${seconds(part.ms).padStart(8)}  ${part.outcome === 'unchanged' ? 'unchanged: ' : ''}${part.detail}`);
  const total = parts.reduce((sum, part) => sum + part.ms, 0);
  const changed = parts.filter((part) => part.outcome === 'changed').map((part) => part.name);
  lines.push(`  ${'total'.padEnd(width)}  ${seconds(total).padStart(8)}  ${changed.length === 0 ? 'nothing changed' : `changed: ${changed.join(', ')}`}`);
  return lines;
}
