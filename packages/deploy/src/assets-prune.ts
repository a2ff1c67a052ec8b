import { userInfo } from 'node:os';
import { type AssetStore, pruneAssets } from '@switchyard/assets';
import { type Config, UsageError } from '@switchyard/config';
import { appendAudit, type AuditEntry, type HeldLock, type Host } from '@switchyard/host';
import { openAssetStore } from './asset-store';
import { pruneScopes, type PruneScope } from './prune-scopes';
import { readReleaseManifests } from './release-manifests';
import { type Runtime, serversOf, settleAll, withRuntimes } from './runtime';

type Assets = NonNullable<Config['assets']>;

export interface AssetsPruneOptions {
  config: Config;
  /** --older-than as typed (30d), for the report; olderThanMs is what counts. */
  olderThan: string;
  olderThanMs: number;
  dryRun: boolean;
  /** --wait: how long to wait for another command's lock. */
  waitMs?: number;
  trustNewHostKey?: boolean;
  deployId: string;
  /** The command line as typed, for the lock holder and the audit log. */
  argv: string[];
}

/** One store's prune: where, what kept it, and what went (or would go). */
export interface PrunedStore {
  /** s3://bucket/prefix/, a folder, or server:folder. */
  location: string;
  servers: string[];
  /** The releases still on those servers. */
  releases: string[];
  /** Of those, the ones deployed before assets were configured: they reference nothing. */
  withoutManifest: string[];
  /** Keys deleted, or with --dry-run the keys that would be. */
  remove: string[];
  /** Their size, from the store's listing. */
  bytes: number;
  /** Old enough, but a release on a server references them. */
  keptByRelease: number;
  /** Written within --older-than: a publish running now may be about to reference them. */
  tooRecent: number;
}

export interface AssetsPruneReport {
  environment: string;
  dryRun: boolean;
  olderThan: string;
  olderThanMs: number;
  stores: PrunedStore[];
  /** What went wrong without changing the outcome (an audit line that could not be written). */
  warnings: string[];
  durationMs: number;
}

/** The environment's `assets` section, or exit 2 naming the config file. */
export function assetsOf(config: Config): Assets {
  if (!config.assets) throw new UsageError(`${config.paths.configFile}: no "assets" section: this environment publishes no assets, so there are none to prune`);
  return config.assets;
}

/** The store as pruneAssets sees it, remembering each listed object's size: the report's bytes. */
function measured(store: AssetStore): { store: AssetStore; sizes: Map<string, number> } {
  const sizes = new Map<string, number>();
  return {
    sizes,
    store: {
      location: store.location,
      list: async () => {
        const objects = await store.list();
        for (const object of objects) sizes.set(object.key, object.size);
        return objects;
      },
      head: (key) => store.head(key),
      get: (key) => store.get(key),
      put: (object) => store.put(object),
      delete: (keys) => store.delete(keys),
    },
  };
}

async function pruneStore(options: AssetsPruneOptions, assets: Assets, host: Host, scope: PruneScope): Promise<PrunedStore> {
  const opened = await openAssetStore(options.config, assets, host);
  try {
    const { store, sizes } = measured(opened.store);
    const plan = await pruneAssets({ store, kept: scope.manifests, olderThanMs: options.olderThanMs, dryRun: options.dryRun });
    return {
      location: store.location,
      servers: [...scope.servers],
      releases: [...scope.releases],
      withoutManifest: [...scope.withoutManifest],
      remove: plan.remove,
      bytes: plan.remove.reduce((sum, key) => sum + (sizes.get(key) ?? 0), 0),
      keptByRelease: plan.keptByRelease,
      tooRecent: plan.tooRecent,
    };
  } finally {
    await opened.close();
  }
}

/**
 * The deploy lock of every server that has been deployed to, as deploys take it: a prune must not
 * read the releases while a deploy adds or removes one. A server with no app root holds no release
 * and no lock file (a first deploy starting there is covered by --older-than: its objects are new).
 */
async function lockEach(rts: readonly Runtime[], options: AssetsPruneOptions): Promise<Map<Runtime, HeldLock>> {
  const limit = options.config.server.type === 'ssh' ? options.config.server.parallel : 1;
  const locked = await settleAll(rts, limit, async (rt) =>
    (await rt.host.exists(rt.layout.appRoot)) ? rt.host.lock(rt.layout.lockFile, { command: options.argv.join(' '), deployId: options.deployId }, { waitMs: options.waitMs }) : undefined,
  );
  const held = new Map<Runtime, HeldLock>();
  for (const [i, result] of locked.entries()) if (result.status === 'fulfilled' && result.value) held.set(rts[i]!, result.value);
  const refused = locked.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (refused) {
    for (const lock of held.values()) lock.release();
    throw refused.reason;
  }
  return held;
}

/** Who pruned what, when, in the server's audit log beside its deploys; one that cannot be written is a warning. */
async function audit(rt: Runtime, options: AssetsPruneOptions, outcome: AuditEntry['outcome'], durationMs: number, error: unknown, warnings: string[]): Promise<void> {
  const entry: AuditEntry = {
    deployId: options.deployId,
    at: new Date().toISOString(),
    user: userInfo().username,
    command: 'assets prune',
    args: options.argv,
    environment: rt.config.environment,
    steps: [],
    outcome,
    durationMs: Math.round(durationMs),
    ...(error ? { error: (error as Error).message } : {}),
  };
  await appendAudit(rt.host, rt.layout.auditLog, entry, Object.values(rt.config.secretValues)).catch((failure: unknown) =>
    warnings.push(`the audit line could not be appended to ${rt.host.name === 'local' ? '' : `${rt.host.name}:`}${rt.layout.auditLog}: ${(failure as Error).message}`),
  );
}

/**
 * `assets prune`: on every server of the environment (each one's deploy lock held, unless
 * --dry-run, which changes nothing), the releases still there and their manifests; then each store
 * pruned of the objects none of them references that were last written before --older-than.
 * A server that cannot be reached stops it before anything is deleted: its releases are unknown.
 */
export async function pruneReleaseAssets(options: AssetsPruneOptions): Promise<AssetsPruneReport> {
  const started = performance.now();
  const assets = assetsOf(options.config);
  const connect = { trustNewHostKey: options.trustNewHostKey ?? false, readOnly: true };
  // In the order withRuntimes opens them: which runtimes are one machine (their folder is one).
  const specs = serversOf(options.config, connect);
  return withRuntimes(options.config, connect, async (rts) => {
    const locks = options.dryRun ? new Map<Runtime, HeldLock>() : await lockEach(rts, options);
    const warnings: string[] = [];
    try {
      const servers = await Promise.all(
        rts.map(async (rt, i) => ({ server: rt.host.name, machine: specs[i]?.target?.destination ?? 'local', releases: await readReleaseManifests(rt.host, rt.layout) })),
      );
      const limit = options.config.server.type === 'ssh' ? options.config.server.parallel : 1;
      const pruned = await settleAll(pruneScopes(assets.type, servers), limit, (scope) => pruneStore(options, assets, rts.find((rt) => rt.host.name === scope.servers[0])!.host, scope));
      const failed = pruned.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const stores = pruned.map((r) => (r as PromiseFulfilledResult<PrunedStore>).value);
      for (const rt of locks.keys()) await audit(rt, options, 'ok', performance.now() - started, undefined, warnings);
      return { environment: options.config.environment, dryRun: options.dryRun, olderThan: options.olderThan, olderThanMs: options.olderThanMs, stores, warnings, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      for (const rt of locks.keys()) await audit(rt, options, 'failed', performance.now() - started, error, warnings);
      throw error;
    } finally {
      for (const lock of locks.values()) lock.release();
    }
  });
}
