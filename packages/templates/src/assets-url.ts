import type { Config } from '@switchyard/config';
import { ASSETS_ROUTE } from './nginx/locations';

type Assets = NonNullable<Config['assets']>;

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/**
 * The URL pages load published assets from: nginx's /assets/ for a folder; for S3 the configured
 * base (a CDN), else the bucket's own URL. A dotted bucket name would not match S3's wildcard
 * certificate as a host name, so it goes in the path.
 */
export function assetBaseUrl(assets: Assets): string {
  if (assets.type === 'local') return ASSETS_ROUTE;
  if (assets.baseUrl) return withSlash(assets.baseUrl);
  const prefix = assets.prefix === '' ? '' : withSlash(assets.prefix);
  if (assets.endpoint) return `${withSlash(assets.endpoint)}${assets.bucket}/${prefix}`;
  if (assets.bucket.includes('.')) return `https://s3.${assets.region}.amazonaws.com/${assets.bucket}/${prefix}`;
  return `https://${assets.bucket}.s3.${assets.region}.amazonaws.com/${prefix}`;
}
