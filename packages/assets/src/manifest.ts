import { z } from 'zod';
import { AssetInputError } from './errors';
import { ENCODING_SUFFIX } from './precompress';

/** Where each release's manifest is kept in the store, beside the assets; a dot name, which no walked file has. */
export const MANIFEST_PREFIX = '.switchyard/manifests/';

export const manifestSchema = z.object({
  version: z.literal(1),
  release: z.string(),
  /** The base URL the assets were published under (with a trailing slash). */
  baseUrl: z.string(),
  /** Logical name (the path in the built folder) → the URL to use in pages. */
  assets: z.record(z.string(), z.string()),
});

/** A release's assets: handed to the app, and read back by prune to know what a kept release still needs. */
export type AssetManifest = z.infer<typeof manifestSchema>;

const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The store key of a release's manifest; the id becomes part of a key, so it is held to an allow-list. */
export function manifestKey(release: string): string {
  if (!RELEASE_ID.test(release)) throw new AssetInputError(`release id ${JSON.stringify(release)}: expected letters, digits, '.', '_' or '-' (at most 128)`);
  return `${MANIFEST_PREFIX}${release}.json`;
}

export function withTrailingSlash(baseUrl: string): string {
  return baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
}

/** A key as a URL under the base: each path segment percent-encoded, the slashes kept. */
export function assetUrl(baseUrl: string, key: string): string {
  return withTrailingSlash(baseUrl) + key.split('/').map(encodeURIComponent).join('/');
}

/**
 * Every store key a release relies on: each published URL's key (the fingerprinted copies), each
 * logical name (the unhashed originals, published under their own names too), the compressed twins
 * of both (when precompressed), and the manifest.
 */
export function keysReferenced(manifest: AssetManifest): Set<string> {
  const keys = new Set<string>([manifestKey(manifest.release)]);
  const withTwins = (key: string) => [key, ...Object.values(ENCODING_SUFFIX).map((suffix) => key + suffix)].forEach((k) => keys.add(k));
  for (const [logical, url] of Object.entries(manifest.assets)) {
    withTwins(logical);
    if (url.startsWith(manifest.baseUrl)) withTwins(url.slice(manifest.baseUrl.length).split('/').map(decodeURIComponent).join('/'));
  }
  return keys;
}
