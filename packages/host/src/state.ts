import { parseJsonText } from '@switchyard/config';
// valibot, not zod: every command reads the state, and valibot's functions tree-shake to the few
// kilobytes used here. zod (the config's schema) is loaded only where a config is validated; sharing
// it here would put all of zod's core in every command's start-up (esbuild's chunks hold whole files).
import * as v from 'valibot';
import { StateFileError } from './errors';
import type { Host } from './host';

const color = v.picklist(['blue', 'green']);
const isoTime = v.pipe(v.string(), v.isoTimestamp('expected an ISO 8601 time'));
const sha = v.pipe(v.string(), v.regex(/^[0-9a-f]{4,64}$/, 'expected a git sha'));
// Release ids name directories: an allow-list of characters, no separators, no leading dot.
const releaseId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/, 'expected a release id'));
const percent = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(99));

/** How traffic moves: renaming live.sock (no nginx reload) or rewriting live.conf and reloading. */
export const switchModeSchema = v.picklist(['socket', 'reload']);

const running = v.nullable(v.strictObject({ releaseId, sha, startedAt: isoTime }));

export const releaseRecordSchema = v.strictObject({
  id: releaseId,
  sha,
  createdAt: isoTime,
  /** Hash of the lockfile, so the next release can reuse this one's install; null when there is none. */
  lockfileHash: v.nullable(v.string()),
});

export const switchRecordSchema = v.strictObject({
  at: isoTime,
  deployId: v.string(),
  from: v.nullable(color),
  to: color,
  mode: switchModeSchema,
  releaseId,
  /** Set for a canary: the share of traffic the `to` colour received. */
  percent: v.optional(percent),
});

export const stateSchema = v.strictObject({
  version: v.literal(1),
  live: v.nullable(color),
  canary: v.optional(v.strictObject({ color, percent })),
  switchMode: v.nullable(switchModeSchema),
  colors: v.strictObject({ blue: running, green: running }),
  /** Oldest first. */
  releases: v.array(releaseRecordSchema),
  /** Oldest first. */
  history: v.array(switchRecordSchema),
});

export type DeployState = v.InferOutput<typeof stateSchema>;
export type ReleaseRecord = v.InferOutput<typeof releaseRecordSchema>;
export type SwitchRecord = v.InferOutput<typeof switchRecordSchema>;
export type SwitchMode = v.InferOutput<typeof switchModeSchema>;

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
  const parsed = v.safeParse(stateSchema, json.value);
  if (!parsed.success) throw new StateFileError(file, `is not a valid Switchyard state:\n  ${describeIssues(parsed.issues)}`);
  return parsed.output;
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`).join('\n  ');
}

export async function writeState(host: Host, file: string, state: DeployState): Promise<void> {
  // Validated on the way out too: a bad state must fail this command, not the next one.
  const parsed = v.safeParse(stateSchema, state);
  if (!parsed.success) throw new StateFileError(file, `refusing to write an invalid state:\n  ${describeIssues(parsed.issues)}`);
  const valid = parsed.output;
  // Only the deploy user's commands read it (status included).
  await host.writeFileAtomic(file, `${JSON.stringify(valid, null, 2)}\n`, 0o600);
}
