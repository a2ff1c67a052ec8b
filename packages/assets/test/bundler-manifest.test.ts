import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledNames, type BundlerManifestFile } from '../src/bundler-manifest';
import { desiredObjects } from '../src/desired-objects';
import { isFingerprinted } from '../src/fingerprint';
import { folderStore } from '../src/folder-store';
import { keysReferenced } from '../src/manifest';
import { CACHE_IMMUTABLE, CACHE_REVALIDATE, type LocalFile } from '../src/objects';
import { publishAssets } from '../src/publish';
import { readBundlerManifests } from '../src/read-bundler-manifests';
import { tempFolder } from './support/folder';

const file = (path: string, content: string): LocalFile => ({
  path,
  size: Buffer.byteLength(content),
  sha256: createHash('sha256').update(content).digest('hex'),
  md5: createHash('md5').update(content).digest('hex'),
});
const filesOf = (folder: Record<string, string>) => Object.entries(folder).map(([path, content]) => file(path, content));
const options = { baseUrl: '/assets/', release: 'r1' };

/*
 * What `manage.py collectstatic` writes with ManifestStaticFilesStorage (Django 3.2): each file
 * under its own name and under a hashed one, and staticfiles.json mapping the first to the second.
 * A stylesheet's hashed copy has its url() references rewritten to hashed names, so its bytes
 * differ from the original's. The last hash is all digits: isFingerprinted does not call it one.
 */
const DJANGO: Record<string, string> = {
  'shop/site.css': 'body { background: url("bg.png") }\n',
  'shop/site.55e7cbb9ba48.css': 'body { background: url("bg.1d2e3f4a5b6c.png") }\n',
  'shop/bg.png': 'png',
  'shop/bg.1d2e3f4a5b6c.png': 'png',
  'shop/app.js': 'js',
  'shop/app.104729130211.js': 'js',
  'staticfiles.json': JSON.stringify({
    paths: { 'shop/site.css': 'shop/site.55e7cbb9ba48.css', 'shop/bg.png': 'shop/bg.1d2e3f4a5b6c.png', 'shop/app.js': 'shop/app.104729130211.js' },
    version: '1.0',
  }),
};
const djangoManifest: BundlerManifestFile = { path: 'staticfiles.json', text: DJANGO['staticfiles.json']! };

/*
 * What `vite build` (5+) writes with build.manifest: outputs under assets/, hashed with 8 base64url
 * characters, and .vite/manifest.json keyed by source name. `index-B4X_KQ9-.css` has no
 * lower-case letter, so isFingerprinted does not recognise it on its own.
 */
const VITE: Record<string, string> = {
  'index.html': '<script type="module" src="/assets/main-BXk3Jd9_.js"></script>',
  'assets/main-BXk3Jd9_.js': 'import "./shared-Dq1x8Zk2.js"',
  'assets/shared-Dq1x8Zk2.js': 'export {}',
  'assets/index-B4X_KQ9-.css': 'body{}',
  'assets/logo-C7hV2mPq.svg': '<svg/>',
  'favicon.ico': 'ico',
};
const viteManifest: BundlerManifestFile = {
  path: '.vite/manifest.json',
  text: JSON.stringify({
    'index.html': { file: 'assets/main-BXk3Jd9_.js', src: 'index.html', isEntry: true, imports: ['_shared-Dq1x8Zk2.js'], css: ['assets/index-B4X_KQ9-.css'] },
    '_shared-Dq1x8Zk2.js': { file: 'assets/shared-Dq1x8Zk2.js' },
    'src/logo.svg': { file: 'assets/logo-C7hV2mPq.svg', src: 'src/logo.svg' },
    'src/style.css': { file: 'assets/index-B4X_KQ9-.css', src: 'src/style.css' },
  }),
};

describe('what isFingerprinted recognises without a manifest', () => {
  it.each([
    ['shop/site.55e7cbb9ba48.css', true], // Django: 12 hex digits of the md5
    ['shop/app.104729130211.js', false], // Django, a hash without a letter (about 1 in 280)
    ['assets/main-BXk3Jd9_.js', true], // Vite 5+
    ['assets/index-B4X_KQ9-.css', false], // Vite 5+, no lower-case letter (about 1 in 55)
    ['assets/main.4f3a2b1c.js', true], // Vite 2-4: 8 hex digits
  ])('%s: %s', (path, hashed) => expect(isFingerprinted(path)).toBe(hashed));
});

describe('bundledNames', () => {
  it("takes Django's staticfiles.json: every hashed name it lists, and the logical name each one belongs to", () => {
    const bundled = bundledNames([djangoManifest], filesOf(DJANGO));
    expect([...bundled.hashed].sort()).toEqual(['shop/app.104729130211.js', 'shop/bg.1d2e3f4a5b6c.png', 'shop/site.55e7cbb9ba48.css']);
    expect(Object.fromEntries(bundled.names)).toEqual(JSON.parse(DJANGO['staticfiles.json']!).paths);
  });

  it("takes Vite's manifest: its outputs, and each source's (not shared chunks') file", () => {
    const bundled = bundledNames([viteManifest], filesOf(VITE));
    expect([...bundled.hashed].sort()).toEqual(['assets/index-B4X_KQ9-.css', 'assets/logo-C7hV2mPq.svg', 'assets/main-BXk3Jd9_.js', 'assets/shared-Dq1x8Zk2.js']);
    expect(Object.fromEntries(bundled.names)).toEqual({ 'index.html': 'assets/main-BXk3Jd9_.js', 'src/logo.svg': 'assets/logo-C7hV2mPq.svg', 'src/style.css': 'assets/index-B4X_KQ9-.css' });
  });

  it('trusts only names shaped as the bundler hashes, and only files that are in the folder', () => {
    const django = { path: 'staticfiles.json', text: JSON.stringify({ version: '1.0', paths: { 'a.css': 'a.css', 'b.css': 'other.55e7cbb9ba48.css', 'c.css': 'c.v2.css', 'd.js.map': 'd.js.55e7cbb9ba48.map', 'e.css': 'e.55e7cbb9ba48.css', '.env': '.env.55e7cbb9ba48' } }) };
    const vite = { path: 'manifest.json', text: JSON.stringify({ 'src/main.js': { file: 'main.js' }, 'src/other.js': { file: 'other-Dq1x8Zk2.js' } }) };
    const present = ['a.css', 'other.55e7cbb9ba48.css', 'c.v2.css', 'd.js.55e7cbb9ba48.map', 'main.js', '.env.55e7cbb9ba48'].map((path) => file(path, path));
    const bundled = bundledNames([django, vite], present);
    // Django's own splitext: the extension is the last one, the leading dot of a dot file none.
    expect(Object.fromEntries(bundled.names)).toEqual({ 'd.js.map': 'd.js.55e7cbb9ba48.map', '.env': '.env.55e7cbb9ba48' });
    expect([...bundled.hashed].sort()).toEqual(['.env.55e7cbb9ba48', 'd.js.55e7cbb9ba48.map']);
  });

  it('ignores what is not a known manifest: a web app manifest.json, an empty Vite manifest, broken JSON', () => {
    const present = filesOf(VITE);
    const others = [
      { path: 'manifest.json', text: JSON.stringify({ name: 'Shop', icons: [{ src: 'assets/logo-C7hV2mPq.svg' }] }) },
      { path: '.vite/manifest.json', text: '{}' },
      { path: 'staticfiles.json', text: '{"paths": ' },
      { path: 'staticfiles.json', text: JSON.stringify({ paths: { 'a.css': 'a.55e7cbb9ba48.css' } }) },
    ];
    for (const manifest of others) expect(bundledNames([manifest], present)).toEqual({ hashed: new Set(), names: new Map() });
  });
});

describe('desiredObjects with a bundler manifest', () => {
  it("Django: its hashed names as they are, its unhashed copies under their own names only, the manifest naming Django's URLs", () => {
    const { objects, manifest } = desiredObjects(filesOf(DJANGO), { ...options, bundlerManifests: [djangoManifest] });
    const staticfiles = `staticfiles.${file('', DJANGO['staticfiles.json']!).sha256.slice(0, 12)}.json`;
    expect(objects.map((object) => [object.key, object.cacheControl, object.phase, object.source])).toEqual([
      ['shop/app.104729130211.js', CACHE_IMMUTABLE, 'asset', { file: 'shop/app.104729130211.js' }],
      ['shop/app.js', CACHE_REVALIDATE, 'original', { file: 'shop/app.js' }],
      ['shop/bg.1d2e3f4a5b6c.png', CACHE_IMMUTABLE, 'asset', { file: 'shop/bg.1d2e3f4a5b6c.png' }],
      ['shop/bg.png', CACHE_REVALIDATE, 'original', { file: 'shop/bg.png' }],
      ['shop/site.55e7cbb9ba48.css', CACHE_IMMUTABLE, 'asset', { file: 'shop/site.55e7cbb9ba48.css' }],
      // Its own bytes: url("bg.png"), not the hashed copy's url("bg.1d2e3f4a5b6c.png").
      ['shop/site.css', CACHE_REVALIDATE, 'original', { file: 'shop/site.css' }],
      // The manifest itself is an ordinary file, as it is in any STATIC_ROOT nginx serves.
      [staticfiles, CACHE_IMMUTABLE, 'asset', { file: 'staticfiles.json' }],
      ['staticfiles.json', CACHE_REVALIDATE, 'original', { copyOf: staticfiles }],
      ['.switchyard/manifests/r1.json', CACHE_REVALIDATE, 'manifest', expect.anything()],
    ]);
    expect(manifest.assets).toMatchObject({
      'shop/site.css': '/assets/shop/site.55e7cbb9ba48.css',
      'shop/site.55e7cbb9ba48.css': '/assets/shop/site.55e7cbb9ba48.css',
      'shop/app.js': '/assets/shop/app.104729130211.js',
      'shop/bg.png': '/assets/shop/bg.1d2e3f4a5b6c.png',
    });
    // A prune keeps both names of each file while the release is kept.
    expect([...keysReferenced(manifest)]).toEqual(expect.arrayContaining(['shop/site.css', 'shop/site.55e7cbb9ba48.css', 'shop/app.104729130211.js']));
  });

  it("Vite: its outputs as they are, even a hash isFingerprinted misses, and its sources' names in the manifest", () => {
    const { objects, manifest } = desiredObjects(filesOf(VITE), { ...options, bundlerManifests: [viteManifest] });
    const ico = `favicon.${file('', VITE['favicon.ico']!).sha256.slice(0, 12)}.ico`;
    expect(objects.map((object) => [object.key, object.cacheControl, object.phase])).toEqual([
      ['assets/index-B4X_KQ9-.css', CACHE_IMMUTABLE, 'asset'],
      ['assets/logo-C7hV2mPq.svg', CACHE_IMMUTABLE, 'asset'],
      ['assets/main-BXk3Jd9_.js', CACHE_IMMUTABLE, 'asset'],
      ['assets/shared-Dq1x8Zk2.js', CACHE_IMMUTABLE, 'asset'],
      [ico, CACHE_IMMUTABLE, 'asset'],
      ['favicon.ico', CACHE_REVALIDATE, 'original'],
      ['index.html', CACHE_REVALIDATE, 'html'],
      ['.switchyard/manifests/r1.json', CACHE_REVALIDATE, 'manifest'],
    ]);
    expect(manifest.assets).toEqual({
      'assets/index-B4X_KQ9-.css': '/assets/assets/index-B4X_KQ9-.css',
      'assets/logo-C7hV2mPq.svg': '/assets/assets/logo-C7hV2mPq.svg',
      'assets/main-BXk3Jd9_.js': '/assets/assets/main-BXk3Jd9_.js',
      'assets/shared-Dq1x8Zk2.js': '/assets/assets/shared-Dq1x8Zk2.js',
      'favicon.ico': `/assets/${ico}`,
      // The page is an entry point of its own, not its script.
      'index.html': '/assets/index.html',
      'src/logo.svg': '/assets/assets/logo-C7hV2mPq.svg',
      'src/style.css': '/assets/assets/index-B4X_KQ9-.css',
    });
  });

  it('without one, a Django folder gets a second fingerprint on each unhashed copy (what the manifest avoids)', () => {
    const { manifest } = desiredObjects(filesOf(DJANGO), options);
    expect(manifest.assets['shop/site.css']).toMatch(/^\/assets\/shop\/site\.[0-9a-f]{12}\.css$/);
    expect(manifest.assets['shop/site.css']).not.toBe('/assets/shop/site.55e7cbb9ba48.css');
  });
});

describe('publishing a folder with a bundler manifest', () => {
  it("reads the manifests from the folder (Vite's in its dot folder, which is not published) and publishes no second fingerprint", async () => {
    const django = tempFolder(DJANGO);
    const vite = tempFolder({ ...VITE, '.vite/manifest.json': viteManifest.text });
    expect(await readBundlerManifests(django)).toEqual([djangoManifest]);
    expect(await readBundlerManifests(vite)).toEqual([viteManifest]);
    expect(await readBundlerManifests(tempFolder({ 'app.css': '' }))).toEqual([]);

    const root = join(tempFolder(), 'published');
    const result = await publishAssets({ store: folderStore(root), dir: django, ...options });
    expect(result.manifest.assets['shop/site.css']).toBe('/assets/shop/site.55e7cbb9ba48.css');
    expect(readdirSync(join(root, 'shop')).sort()).toEqual(['app.104729130211.js', 'app.js', 'bg.1d2e3f4a5b6c.png', 'bg.png', 'site.55e7cbb9ba48.css', 'site.css']);
    expect(readFileSync(join(root, 'shop/site.css'), 'utf8')).toBe(DJANGO['shop/site.css']);
    expect(await folderStore(root).head('shop/site.css')).toMatchObject({ cacheControl: CACHE_REVALIDATE });
    expect(await folderStore(root).head('shop/app.104729130211.js')).toMatchObject({ cacheControl: CACHE_IMMUTABLE });

    const again = await publishAssets({ store: folderStore(root), dir: django, ...options, release: 'r2' });
    expect(again).toMatchObject({ uploaded: 1, unchanged: 8 });
  });
});
