import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AssetStorageError, manifestKey, publishAssets, type PublishEvent } from '@switchyard/assets';
import { SwitchyardError } from '@switchyard/config';
import { assetBaseUrl } from '@switchyard/templates';
import { invalidate, openAssetStore } from './asset-store';
import type { StepContext } from './context';
import { DeployFailed } from './errors';
import { mib } from './reporter';

/** How often progress is told: a terminal redraws its bar; plain output keeps a line every few seconds (textReporter). */
const PROGRESS_EVERY_MS = 250;
const count = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
const UNCHANGED = 'nothing was started; traffic is unchanged';

/**
 * One publish at a time per store in this process: the servers of one deploy publish the same
 * bucket, and the first uploads what the others then find already there, instead of all sending
 * the same bytes at once.
 */
const publishing = new Map<string, Promise<unknown>>();
function oneAtATime<T>(location: string, run: () => Promise<T>): Promise<T> {
  const previous = publishing.get(location) ?? Promise.resolve();
  const next = previous.then(run, run);
  publishing.set(location, next.catch(() => undefined));
  return next;
}

const asDeployFailure = (error: unknown): never => {
  if (error instanceof SwitchyardError && !(error instanceof DeployFailed)) throw new DeployFailed(`${error.message}\n${UNCHANGED}`);
  throw error;
};

const assetsOf = (ctx: StepContext) => {
  const assets = ctx.config.assets;
  if (!assets) throw new Error('publish-assets planned without assets in the config');
  return assets;
};

/**
 * Before anything is shipped: one request that reaches the bucket with the deploy's credentials (a
 * missing bucket, a wrong key or no permission fails here, in seconds, not after the install), or
 * the folder on the server is writable.
 */
export async function checkAssetStore(ctx: StepContext): Promise<void> {
  const assets = assetsOf(ctx);
  if (assets.type === 'local') {
    await ctx.host.mkdirp(assets.directory, 0o755);
    await ctx.host.checkWritable(assets.directory);
    return;
  }
  const opened = await openAssetStore(ctx.config, assets, ctx.host);
  try {
    // A GET of a key that may be absent: unlike a HEAD, its error names a missing bucket or a refusal.
    await opened.store.get(manifestKey('check')).catch(asDeployFailure);
  } finally {
    await opened.close();
  }
}

/**
 * Publishes the release's built assets folder (`assets.from`, after install and build) and writes
 * the manifest into the release, where ASSETS_MANIFEST tells the app to read it. The folder comes
 * from the server (fetched to this machine when the server is remote), so the published files are
 * the ones the release serves.
 */
export async function publishReleaseAssets(ctx: StepContext, releaseId: string, deployId: string): Promise<void> {
  const assets = assetsOf(ctx);
  const built = join(ctx.layout.release(releaseId), assets.from);
  if (!(await ctx.host.exists(built)))
    throw new DeployFailed(
      `assets.from: release ${releaseId} has no folder ${assets.from} after install and build; expected the built assets there (set assets.from to the folder the build writes). ${UNCHANGED}`,
    );
  const fetched = ctx.host.name === 'local' ? undefined : await mkdtemp(join(tmpdir(), 'switchyard-built-'));
  const opened = await openAssetStore(ctx.config, assets, ctx.host);
  try {
    if (fetched) await ctx.host.download(built, fetched);
    const started = performance.now();
    let last = started;
    let planned = { objects: 0, bytes: 0 };
    const onProgress = (event: PublishEvent) => {
      if (event.type === 'planned') {
        planned = { objects: event.uploads, bytes: event.bytes };
        ctx.out.emit({
          type: 'note',
          message: `${count(event.files, 'file')} in ${assets.from}/: ${count(event.uploads, 'object')} to write (${mib(event.bytes)} MiB), ${event.unchanged} already in ${opened.store.location}`,
        });
        return;
      }
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      const bytesPerSecond = event.doneBytes / ((now - started) / 1000);
      ctx.out.emit({ type: 'progress', task: 'publishing assets', done: event.done, total: planned.objects, bytes: event.doneBytes, totalBytes: planned.bytes, bytesPerSecond });
    };
    const result = await oneAtATime(opened.store.location, async () => {
      const precompress = assets.type === 'local' ? assets.precompress : [];
      const published = await publishAssets({ store: opened.store, dir: fetched ?? built, baseUrl: assetBaseUrl(assets), release: releaseId, onProgress, precompress });
      await opened.commit();
      return published;
    }).catch(asDeployFailure);
    if (result.uploaded > 0) ctx.out.emit({ type: 'note', message: `wrote ${count(result.uploaded, 'object')} (${mib(result.uploadedBytes)} MiB) in ${((performance.now() - started) / 1000).toFixed(2)} s` });
    const manifestPath = ctx.layout.assetManifest(releaseId);
    await ctx.host.mkdirp(dirname(manifestPath), 0o755);
    await ctx.host.writeFileAtomic(manifestPath, `${JSON.stringify(result.manifest, null, 2)}\n`, 0o644);
    const invalidation = await invalidate(ctx.config, assets, result.invalidate, deployId).catch((error: unknown) => {
      // The new assets are published and nothing serves them yet: a CDN that keeps old copies of
      // unhashed names for a while is worth a warning, not a failed deploy.
      if (!(error instanceof AssetStorageError)) throw error;
      ctx.out.emit({ type: 'warning', message: `${error.message}; the CDN may serve the old ${result.invalidate.length} unhashed path(s) until they expire` });
      return undefined;
    });
    if (invalidation) ctx.out.emit({ type: 'note', message: `CloudFront invalidation ${invalidation} for ${result.invalidate.length} unhashed path(s)` });
  } finally {
    await opened.close();
    if (fetched) await rm(fetched, { recursive: true, force: true });
  }
}
