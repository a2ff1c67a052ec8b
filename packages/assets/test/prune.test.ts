import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AssetStorageError, folderStore, publishAssets, pruneAssets, readManifests } from '../src/index';
import { SITE, tempFolder, writeFiles } from './support/folder';

const DAY = 86_400_000;

describe('pruning a local folder', () => {
  it('deletes what only dropped releases referenced, keeps what kept releases reference, and --dry-run deletes nothing', async () => {
    const site = tempFolder(SITE);
    const root = join(tempFolder(), 'published');
    const store = folderStore(root);
    const r1 = await publishAssets({ store, dir: site, baseUrl: '/a/', release: 'r1' });
    writeFiles(site, { 'css/app.css': 'body { color: red }\n' });
    const r2 = await publishAssets({ store, dir: site, baseUrl: '/a/', release: 'r2' });
    const r1App = r1.manifest.assets['css/app.css']!.slice(3);
    const r2App = r2.manifest.assets['css/app.css']!.slice(3);
    expect(r1App).not.toBe(r2App);
    // Everything was written 40 days ago as far as prune can tell.
    const past = (Date.now() - 40 * DAY) / 1000;
    for (const object of await store.list()) utimesSync(join(root, object.key), past, past);

    const kept = await readManifests(store, ['r2']);
    const dry = await pruneAssets({ store, kept, olderThanMs: 30 * DAY, dryRun: true });
    expect(dry.remove).toEqual(['.switchyard/manifests/r1.json', r1App]);
    expect((await store.list()).map((object) => object.key)).toContain(r1App);

    await pruneAssets({ store, kept, olderThanMs: 30 * DAY });
    const left = (await store.list()).map((object) => object.key);
    expect(left).not.toContain(r1App);
    expect(left).toContain(r2App);
    expect(left).toContain('css/app.css');
    expect(await store.head(r1App)).toBeUndefined();
  });

  it('a kept release without a published manifest stops the prune, naming it', async () => {
    const store = folderStore(tempFolder());
    await expect(readManifests(store, ['r9'])).rejects.toThrow(AssetStorageError);
    await expect(readManifests(store, ['r9'])).rejects.toThrow(/reading the manifest of release r9 on .* failed: \.switchyard\/manifests\/r9\.json does not exist/);
  });
});
