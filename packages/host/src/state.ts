import { parseJsonText } from '@switchyard/config';
import { z } from 'zod';
import { StateFileError } from './errors';
import type { Host } from './host';

const color = z.enum(['blue', 'green']);
const isoTime = z.iso.datetime();
const sha = z.string().regex(/^[0-9a-f]{4,64}$/, { error: 'expected a git sha' });
// Release ids name directories: an allow-list of characters, no separators, no leading dot.
const releaseId = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/, { error: 'expected a release id' });

/** How traffic moves: renaming live.sock (no nginx reload) or rewriting live.conf and reloading. */
export const switchModeSchema = z.enum(['socket', 'reload']);

const running = z.strictObject({ releaseId, sha, startedAt: isoTime }).nullable();

export const releaseRecordSchema = z.strictObject({
  id: releaseId,
  sha,
  createdAt: isoTime,
  /** Hash of the lockfile, so the next release can reuse this one's install; null when there is none. */
  lockfileHash: z.string().nullable(),
});

export const switchRecordSchema = z.strictObject({
  at: isoTime,
  deployId: z.string(),
  from: color.nullable(),
  to: color,
  mode: switchModeSchema,
  releaseId,
  /** Set for a canary: the share of traffic the `to` colour received. */
  percent: z.number().int().min(1).max(99).optional(),
});

export const stateSchema = z.strictObject({
  version: z.literal(1),
  live: color.nullable(),
  canary: z.strictObject({ color, percent: z.number().int().min(1).max(99) }).optional(),
  switchMode: switchModeSchema.nullable(),
  colors: z.strictObject({ blue: running, green: running }),
  /** Oldest first. */
  releases: z.array(releaseRecordSchema),
  /** Oldest first. */
  history: z.array(switchRecordSchema),
});

export type DeployState = z.infer<typeof stateSchema>;
export type ReleaseRecord = z.infer<typeof releaseRecordSchema>;
export type SwitchRecord = z.infer<typeof switchRecordSchema>;
export type SwitchMode = z.infer<typeof switchModeSchema>;

/** The state of an app that was never deployed. */
export function initialState(): DeployState {
  return { version: 1, live: null, switchMode: null, colors: { blue: null, green: null }, releases: [], history: [] };
}

/** Missing file: the initial state. Unreadable, not JSON or not valid: StateFileError, never a guess. */
export async function readState(host: Host, file: string): Promise<DeployState> {
  const text = await host.readFile(file);
  if (text === undefined) return initialState();
  const json = parseJsonText(text);
  if (!json.ok) throw new StateFileError(`${file}:${json.line}:${json.column}`, `${json.reason}; fix or restore it before deploying`);
  const parsed = stateSchema.safeParse(json.value);
  if (!parsed.success) throw new StateFileError(file, `is not a valid Switchyard state:\n  ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n  ');
}

export async function writeState(host: Host, file: string, state: DeployState): Promise<void> {
  // Validated on the way out too: a bad state must fail this command, not the next one.
  const parsed = stateSchema.safeParse(state);
  if (!parsed.success) throw new StateFileError(file, `refusing to write an invalid state:\n  ${describeIssues(parsed.error)}`);
  const valid = parsed.data;
  // Only the deploy user's commands read it (status included).
  await host.writeFileAtomic(file, `${JSON.stringify(valid, null, 2)}\n`, 0o600);
}
