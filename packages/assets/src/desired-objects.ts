import { createHash } from 'node:crypto';
import { contentTypeOf } from './content-type';
import { fingerprintPath, isFingerprinted } from './fingerprint';
import { assetUrl, manifestKey, withTrailingSlash, type AssetManifest } from './manifest';
import { CACHE_IMMUTABLE, CACHE_REVALIDATE, type DesiredObject, type LocalFile } from './objects';

export interface DesiredOptions {
  /** The URL the store's prefix is served under (a CDN, or `/assets/` for a local folder nginx serves). */
  readonly baseUrl: string;
  /** The release id: names the manifest. */
  readonly release: string;
}

const isHtml = (path: string) => /\.html?$/i.test(path);

/**
 * Every object a release needs, and its manifest. A file whose name carries a hash is published as
 * is. Any other file is published twice: a fingerprinted copy (immutable, the URL the manifest
 * gives) and the original under its own name (`no-cache`), because references the publisher does
 * not rewrite still use that name: `url(fonts/x.woff2)` inside a CSS file, favicon.ico,
 * robots.txt, a service worker, a page an old release links to. Django's collectstatic keeps
 * originals for the same reason. HTML is only published under its own name: a page is an entry
 * point, and fingerprinting it would name a copy nobody asks for.
 */
export function desiredObjects(files: readonly LocalFile[], options: DesiredOptions): { objects: DesiredObject[]; manifest: AssetManifest } {
  const baseUrl = withTrailingSlash(options.baseUrl);
  const objects: DesiredObject[] = [];
  const assets: Record<string, string> = {};
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const common = { source: { file: file.path }, size: file.size, sha256: file.sha256, md5: file.md5, contentType: contentTypeOf(file.path) };
    if (isHtml(file.path)) {
      objects.push({ ...common, key: file.path, cacheControl: CACHE_REVALIDATE, immutable: false, phase: 'html' });
      assets[file.path] = assetUrl(baseUrl, file.path);
    } else if (isFingerprinted(file.path)) {
      objects.push({ ...common, key: file.path, cacheControl: CACHE_IMMUTABLE, immutable: true, phase: 'asset' });
      assets[file.path] = assetUrl(baseUrl, file.path);
    } else {
      const key = fingerprintPath(file.path, file.sha256);
      objects.push({ ...common, key, cacheControl: CACHE_IMMUTABLE, immutable: true, phase: 'asset' });
      objects.push({ ...common, key: file.path, cacheControl: CACHE_REVALIDATE, immutable: false, phase: 'asset' });
      assets[file.path] = assetUrl(baseUrl, key);
    }
  }
  const manifest: AssetManifest = { version: 1, release: options.release, baseUrl, assets };
  const bytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  objects.push({
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
  return { objects, manifest };
}
