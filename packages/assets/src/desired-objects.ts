import { createHash } from 'node:crypto';
import { bundledNames, type BundlerManifestFile } from './bundler-manifest';
import { contentTypeOf } from './content-type';
import { AssetInputError } from './errors';
import { fingerprintPath, isFingerprinted } from './fingerprint';
import { assetUrl, manifestKey, withTrailingSlash, type AssetManifest } from './manifest';
import { CACHE_IMMUTABLE, CACHE_REVALIDATE, type DesiredObject, type LocalFile } from './objects';

export interface DesiredOptions {
  /** The URL the store's prefix is served under (a CDN, or `/assets/` for a local folder nginx serves). */
  readonly baseUrl: string;
  /** The release id: names the manifest. */
  readonly release: string;
  /** The bundlers' own manifests found in the folder (readBundlerManifests): their hashed names are used, not given a second hash. */
  readonly bundlerManifests?: readonly BundlerManifestFile[];
}

const isHtml = (path: string) => /\.html?$/i.test(path);

/**
 * A folder this publisher already wrote holds `app.css` and `app.3f9a1c2e0b1d.css`, and the first's
 * fingerprinted copy is the second: one object. The same key with other bytes cannot be published.
 */
function unique(objects: readonly DesiredObject[]): DesiredObject[] {
  const byKey = new Map<string, DesiredObject>();
  for (const object of objects) {
    const seen = byKey.get(object.key);
    if (seen && seen.sha256 !== object.sha256) throw new AssetInputError(`${object.key}: a file of that name and the fingerprinted copy of another file would share this key with different content`);
    if (!seen) byKey.set(object.key, object);
  }
  return [...byKey.values()];
}

/**
 * Every object a release needs, and its manifest. A file whose name carries a hash is published as
 * is. Any other file is published twice: a fingerprinted copy (immutable, the URL the manifest
 * gives) and the original under its own name (`no-cache`; copied in the store from the first, so
 * its bytes are sent once), because references the publisher does
 * not rewrite still use that name: `url(fonts/x.woff2)` inside a CSS file, favicon.ico,
 * robots.txt, a service worker, a page an old release links to. Django's collectstatic keeps
 * originals for the same reason. HTML is only published under its own name: a page is an entry
 * point, and fingerprinting it would name a copy nobody asks for. Where a bundler's manifest names
 * a file's hashed copy (Django's `css/site.css` → `css/site.55e7cbb9ba48.css`), that copy is the
 * URL, and the file is only published under its own name, as an original with its own bytes.
 */
export function desiredObjects(files: readonly LocalFile[], options: DesiredOptions): { objects: DesiredObject[]; manifest: AssetManifest } {
  const baseUrl = withTrailingSlash(options.baseUrl);
  const objects: DesiredObject[] = [];
  const assets: Record<string, string> = {};
  const bundled = bundledNames(options.bundlerManifests ?? [], files);
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const common = { source: { file: file.path }, size: file.size, sha256: file.sha256, md5: file.md5, contentType: contentTypeOf(file.path) };
    const bundlersCopy = bundled.names.get(file.path);
    if (isHtml(file.path)) {
      objects.push({ ...common, key: file.path, cacheControl: CACHE_REVALIDATE, immutable: false, phase: 'html' });
      assets[file.path] = assetUrl(baseUrl, file.path);
    } else if (isFingerprinted(file.path) || bundled.hashed.has(file.path)) {
      objects.push({ ...common, key: file.path, cacheControl: CACHE_IMMUTABLE, immutable: true, phase: 'asset' });
      assets[file.path] = assetUrl(baseUrl, bundlersCopy ?? file.path);
    } else if (bundlersCopy) {
      objects.push({ ...common, key: file.path, cacheControl: CACHE_REVALIDATE, immutable: false, phase: 'original' });
      assets[file.path] = assetUrl(baseUrl, bundlersCopy);
    } else {
      const key = fingerprintPath(file.path, file.sha256);
      objects.push({ ...common, key, cacheControl: CACHE_IMMUTABLE, immutable: true, phase: 'asset' });
      objects.push({ ...common, source: { copyOf: key }, key: file.path, cacheControl: CACHE_REVALIDATE, immutable: false, phase: 'original' });
      assets[file.path] = assetUrl(baseUrl, key);
    }
  }
  // Vite's logical names are its sources (`src/main.js`), not files of the built folder.
  for (const [logical, hashed] of bundled.names) assets[logical] ??= assetUrl(baseUrl, hashed);
  const manifest: AssetManifest = { version: 1, release: options.release, baseUrl, assets };
  const bytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  const published = unique(objects);
  published.push({
    key: manifestKey(options.release),
    source: { bytes },
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    md5: createHash('md5').update(bytes).digest('hex'),
    contentType: 'application/json',
    cacheControl: CACHE_REVALIDATE,
    immutable: false,
    phase: 'manifest',
  });
  return { objects: published, manifest };
}
