import { redactText, type Secret } from '@switchyard/config';
import { z } from 'zod';
import type { Host } from './host';

export const auditStepSchema = z.strictObject({
  name: z.string(),
  durationMs: z.number().nonnegative(),
  outcome: z.enum(['ok', 'failed', 'skipped']),
});

export const auditEntrySchema = z.strictObject({
  deployId: z.string(),
  /** When the command started, ISO 8601. */
  at: z.iso.datetime(),
  user: z.string(),
  /** deploy, switch, rollback, ... */
  command: z.string(),
  /** The arguments it was given (never secrets: those come from the environment). */
  args: z.array(z.string()),
  environment: z.string(),
  releaseId: z.string().optional(),
  sha: z.string().optional(),
  /** The release held uncommitted changes. */
  dirty: z.boolean().optional(),
  steps: z.array(auditStepSchema),
  outcome: z.enum(['ok', 'failed', 'interrupted', 'locked', 'invalid']),
  durationMs: z.number().nonnegative(),
  error: z.string().optional(),
});

export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type AuditStep = z.infer<typeof auditStepSchema>;

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
  const line = JSON.stringify(redactStrings(auditEntrySchema.parse(entry), [...secrets]));
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
      const parsed = auditEntrySchema.safeParse(JSON.parse(line));
      if (parsed.success) entries.push(parsed.data);
    } catch {
      // not JSON: a torn line
    }
  }
  return entries.reverse();
}
