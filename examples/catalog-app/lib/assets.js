import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

const TYPES = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Loads every file under `dir` into memory at start-up (the folder is small), keyed by its URL
 * path below /assets/. Serving from this map means no request can reach outside the folder.
 *
 * @param {string} dir
 * @returns {Map<string, { body: Buffer, type: string }>}
 */
export function loadAssets(dir) {
  const assets = new Map();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    const urlPath = relative(dir, file).split(sep).join('/');
    assets.set(urlPath, {
      body: readFileSync(file),
      type: TYPES[extname(file)] ?? 'application/octet-stream',
    });
  }
  return assets;
}

/**
 * How pages name an asset: the URL the deploy published it under (ASSETS_MANIFEST, a JSON file
 * mapping each logical name to its fingerprinted URL), else the app's own /assets/ route, which
 * serves the release's public/ folder when nothing was published (the app run on its own).
 *
 * @param {string | undefined} manifestPath
 * @returns {(name: string) => string}
 */
export function assetUrls(manifestPath) {
  if (!manifestPath) return (name) => `/assets/${name}`;
  /** @type {{ assets: Record<string, string> }} */
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return (name) => manifest.assets[name] ?? `/assets/${name}`;
}
