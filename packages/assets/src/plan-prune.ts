import { AssetInputError } from './errors';
import { keysReferenced, type AssetManifest } from './manifest';
import type { RemoteObject } from './objects';

export interface PruneInput {
  /** The store's listing. */
  readonly objects: readonly RemoteObject[];
  /** The manifest of every release still on a server (the `keep` setting): what they reference stays. */
  readonly kept: readonly AssetManifest[];
  readonly nowMs: number;
  /** Only objects last written longer ago than this go. */
  readonly olderThanMs: number;
}

export interface PrunePlan {
  readonly remove: string[];
  /** Old enough, but a kept release references it. */
  readonly keptByRelease: number;
  /** Written within the window (or of unknown age): a publish in progress may be about to reference it. */
  readonly tooRecent: number;
}

/**
 * What `assets prune` deletes: objects no kept release references and last written before the
 * cut-off. The age bound protects what a publish running at the same moment has written before its
 * manifest lists it; the references protect every page an old release can still serve, however old.
 */
export function planPrune(input: PruneInput): PrunePlan {
  const referenced = new Set<string>();
  for (const manifest of input.kept) for (const key of keysReferenced(manifest)) referenced.add(key);
  const cutoff = input.nowMs - input.olderThanMs;
  const remove: string[] = [];
  let keptByRelease = 0;
  let tooRecent = 0;
  for (const object of input.objects) {
    if (object.modifiedMs === undefined || object.modifiedMs >= cutoff) tooRecent += 1;
    else if (referenced.has(object.key)) keptByRelease += 1;
    else remove.push(object.key);
  }
  return { remove: remove.sort(), keptByRelease, tooRecent };
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `2w`, `90m` → milliseconds: the `--older-than` of `assets prune`. */
export function parseAge(text: string): number {
  const match = /^(\d+)([mhdw])$/.exec(text.trim());
  const unit = match ? UNITS[match[2]!] : undefined;
  if (!match || unit === undefined || Number(match[1]) === 0) throw new AssetInputError(`--older-than ${JSON.stringify(text)}: expected a positive whole number and a unit, m, h, d or w (30d)`);
  return Number(match[1]) * unit;
}
