import { assetUrl, MANIFEST_PREFIX } from './manifest';
import type { DesiredObject } from './objects';

/**
 * CloudFront accepts at most 3,000 paths in invalidations in progress per distribution; past a few
 * hundred, one wildcard (one path, as billed) is cheaper than listing every file.
 */
const MAX_PATHS = 300;

/**
 * The CloudFront paths to invalidate after a publish: only the mutable objects it rewrote (the
 * unhashed originals and HTML). Fingerprinted keys are new names that no edge has cached, and the
 * manifests are not served to browsers. Paths are the URL paths under the base URL (whose own path
 * is the distribution's path to the store's prefix); too many become one wildcard under it.
 */
export function planInvalidation(uploads: readonly DesiredObject[], baseUrl: string): string[] {
  const pathOf = (key: string) => new URL(assetUrl(baseUrl, key), 'http://relative.invalid').pathname;
  const paths = uploads.filter((object) => !object.immutable && !object.key.startsWith(MANIFEST_PREFIX)).map((object) => pathOf(object.key));
  if (paths.length <= MAX_PATHS) return paths;
  return [`${pathOf('')}*`];
}
