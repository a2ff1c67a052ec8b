import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AssetStorageError, CACHE_IMMUTABLE, folderStore, publishAssets, type PublishEvent } from '../src/index';
import { SITE, tempFolder, writeFiles } from './support/folder';

const publish = (store: ReturnType<typeof folderStore>, dir: string, release = 'r1', onProgress?: (event: PublishEvent) => void) =>
  publishAssets({ store, dir, baseUrl: '/assets/', release, ...(onProgress ? { onProgress } : {}) });

describe('publishing to a local folder', () => {
  it('writes every object with its metadata beside it, then nothing when nothing changed, then only what changed', async () => {
    const site = tempFolder(SITE);
    const root = join(tempFolder(), 'published');
    const store = folderStore(root);

    const first = await publish(store, site);
    expect(first).toMatchObject({ files: 4, uploaded: 7, unchanged: 0 });
    const appUrl = first.manifest.assets['css/app.css']!;
    expect(appUrl).toMatch(/^\/assets\/css\/app\.[0-9a-f]{12}\.css$/);
    const appKey = appUrl.slice('/assets/'.length);
    expect(readFileSync(join(root, appKey), 'utf8')).toBe(SITE['css/app.css']);
    expect(readFileSync(join(root, 'css/app.css'), 'utf8')).toBe(SITE['css/app.css']);
    expect(await store.head(appKey)).toMatchObject({ cacheControl: CACHE_IMMUTABLE, contentType: 'text/css; charset=utf-8' });
    expect(readdirSync(root).sort()).toEqual(['.switchyard', '.switchyard-meta', 'assets', 'css', 'favicon.ico', `favicon.${(await store.head('favicon.ico'))!.sha256!.slice(0, 12)}.ico`, 'index.html'].sort());

    expect(await publish(store, site)).toMatchObject({ uploaded: 0, unchanged: 7 });

    writeFiles(site, { 'css/app.css': 'body { color: red }\n' });
    const events: PublishEvent[] = [];
    const third = await publish(store, site, 'r2', (event) => events.push(event));
    expect(third).toMatchObject({ uploaded: 3, unchanged: 4, invalidate: ['/assets/css/app.css'] });
    expect(events.filter((event) => event.type === 'uploaded').map((event) => event.key)).toEqual([third.manifest.assets['css/app.css']!.slice(8), 'css/app.css', '.switchyard/manifests/r2.json']);
    // The old release's fingerprinted copy is still there for its pages.
    expect(readFileSync(join(root, appKey), 'utf8')).toBe(SITE['css/app.css']);
  });

  it('does not follow symbolic links out of the folder (a release links shared/ into itself)', async () => {
    const site = tempFolder(SITE);
    const shared = tempFolder({ 'upload.png': 'user data' });
    symlinkSync(join(shared, 'upload.png'), join(site, 'upload.png'));
    symlinkSync(shared, join(site, 'uploads'));
    const result = await publish(folderStore(join(tempFolder(), 'published')), site);
    expect(Object.keys(result.manifest.assets).sort()).toEqual(['assets/main-DiwrgTda.js', 'css/app.css', 'favicon.ico', 'index.html']);
  });

  it('a folder that cannot be written names the folder and the operation', async () => {
    const site = tempFolder(SITE);
    const root = join(tempFolder({ blocker: 'a file, not a folder' }), 'blocker', 'published');
    const error = await publish(folderStore(root), site).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AssetStorageError);
    expect(error).toMatchObject({ exitCode: 1, message: expect.stringContaining(`on ${root} failed: ENOTDIR`) });
  });
});
