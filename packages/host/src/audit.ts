import { redactText, type Secret } from '@switchyard/config';
// valibot, as for the state (state.ts says why not zod): status and every changing command read or append this log.
import * as v from 'valibot';
import type { Host } from './host';

export const auditStepSchema = v.strictObject({
  name: v.string(),
  durationMs: v.pipe(v.number(), v.minValue(0)),
  outcome: v.picklist(['ok', 'failed', 'skipped']),
});

export const auditEntrySchema = v.strictObject({
  deployId: v.string(),
  /** When the command started, ISO 8601. */
  at: v.pipe(v.string(), v.isoTimestamp('expected an ISO 8601 time')),
  user: v.string(),
  /** deploy, switch, rollback, ... */
  command: v.string(),
  /** The arguments it was given (never secrets: those come from the environment). */
  args: v.array(v.string()),
  environment: v.string(),
  releaseId: v.optional(v.string()),
  sha: v.optional(v.string()),
  /** The release held uncommitted changes. */
  dirty: v.optional(v.boolean()),
  steps: v.array(auditStepSchema),
  outcome: v.picklist(['ok', 'failed', 'interrupted', 'locked', 'invalid']),
  durationMs: v.pipe(v.number(), v.minValue(0)),
  error: v.optional(v.string()),
});

export type AuditEntry = v.InferOutput<typeof auditEntrySchema>;
export type AuditStep = v.InferOutput<typeof auditStepSchema>;

function redactStrings(value: unknown, secrets: readonly Secret[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, secrets));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item, secrets)]));
  return value;
}

/**
 * Appends one line to log/deploys.jsonl. Every string is redacted before it is serialised (an
 * error message can quote a command's output, which can quote a secret).
 */
export async function appendAudit(host: Host, file: string, entry: AuditEntry, secrets: Iterable<Secret> = []): Promise<void> {
  const line = JSON.stringify(redactStrings(v.parse(auditEntrySchema, entry), [...secrets]));
  await host.appendFile(file, `${line}\n`, 0o640);
}

/** The last `limit` entries, oldest first; a line torn by a crash mid-append is skipped. */
export async function readAudit(host: Host, file: string, limit: number): Promise<AuditEntry[]> {
  const text = (await host.readFile(file)) ?? '';
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n').reverse()) {
    if (entries.length >= limit) break;
    if (!line.trim()) continue;
    try {
      const parsed = v.safeParse(auditEntrySchema, JSON.parse(line));
      if (parsed.success) entries.push(parsed.output);
    } catch {
      // not JSON: a torn line
    }
  }
  return entries.reverse();
}
