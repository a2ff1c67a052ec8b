import { planPrune, type PrunePlan } from './plan-prune';
import type { AssetManifest } from './manifest';
import type { AssetStore } from './store';

export interface PruneOptions {
  readonly store: AssetStore;
  /** The manifest of every release still on a server: without one, what that release's pages ask for would be deleted. */
  readonly kept: readonly AssetManifest[];
  readonly olderThanMs: number;
  readonly nowMs?: number;
  /** Plan only: list and decide, delete nothing. */
  readonly dryRun?: boolean;
}

/** Lists the store, plans with planPrune and deletes what it says (unless dryRun); returns the plan. */
export async function pruneAssets(options: PruneOptions): Promise<PrunePlan> {
  const plan = planPrune({ objects: await options.store.list(), kept: options.kept, nowMs: options.nowMs ?? Date.now(), olderThanMs: options.olderThanMs });
  if (!options.dryRun && plan.remove.length > 0) await options.store.delete(plan.remove);
  return plan;
}
