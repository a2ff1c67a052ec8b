import type { LocalFile } from './objects';

/**
 * A bundler's own manifest, as found in the built folder: its path there and its text. Django's
 * ManifestStaticFilesStorage writes `staticfiles.json`; Vite 5+ writes `.vite/manifest.json`
 * (a dot folder, so never published), Vite 2–4 `manifest.json`.
 */
export interface BundlerManifestFile {
  readonly path: string;
  readonly text: string;
}

/** Where bundlers leave their manifests, relative to the built folder (read-bundler-manifests.ts reads them). */
export const BUNDLER_MANIFESTS = ['staticfiles.json', '.vite/manifest.json', 'manifest.json'] as const;

/** What the bundlers' manifests say about the folder, limited to files that are in it. */
export interface BundledNames {
  /**
   * Files a bundler named after their content: published as they are, immutable, whether or not
   * isFingerprinted recognises the hash: 12 hex digits of an md5 are all digits for about 1 name
   * in 280, and Rollup's 8 base64url characters have no lower-case letter, or look like a word,
   * for about 1 in 55.
   */
  readonly hashed: ReadonlySet<string>;
  /**
   * Logical name → the bundler's hashed file: the URL our manifest gives the name. A logical name
   * that is itself a file of the folder (Django keeps `css/site.css` beside
   * `css/site.55e7cbb9ba48.css`) is the bundler's unhashed copy, not an asset to fingerprint again.
   */
  readonly names: ReadonlyMap<string, string>;
}

type Pairs = Array<[logical: string, hashed: string]>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Python's os.path.splitext on a file name: the last dot, unless the name only starts with dots. */
function splitext(name: string): { root: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(name.slice(0, dot + 1))) return { root: name, ext: '' };
  return { root: name.slice(0, dot), ext: name.slice(dot) };
}

/**
 * Django's hashed_name: `<dir>/<root>.<hash><ext>` with the logical name's own directory, root and
 * extension (`js/app.js.map` → `js/app.js.<hash>.map`), the hash being hex (12 digits of the md5
 * unless a storage overrides file_hash). Anything else in the file is not trusted as hashed.
 */
function djangoHashed(logical: string, hashed: string): boolean {
  const slash = logical.lastIndexOf('/') + 1;
  const { root, ext } = splitext(logical.slice(slash));
  return new RegExp(`^${escape(logical.slice(0, slash) + root)}\\.[0-9a-f]{8,64}${escape(ext)}$`).test(hashed);
}

/** `{"paths": {"css/site.css": "css/site.55e7cbb9ba48.css"}, "version": "1.0"}` (1.1 adds a "hash"). */
function django(json: unknown): Pairs | undefined {
  if (!isRecord(json) || typeof json.version !== 'string' || !isRecord(json.paths)) return undefined;
  return Object.entries(json.paths).filter((pair): pair is [string, string] => typeof pair[1] === 'string' && djangoHashed(pair[0], pair[1]));
}

/**
 * Rollup's `[name]-[hash]` (Vite 5+: 8 base64url characters) or `[name].[hash]` (Vite 2–4: 8 hex),
 * before the extension. A build configured for plain names (`entryFileNames: '[name].js'`) lists
 * those in its manifest too: they are not hashed, and are fingerprinted as any other file.
 */
const VITE_HASHED = /[.-][A-Za-z0-9_-]{8,64}\.[A-Za-z0-9]+$/;

/**
 * `{"src/main.js": {"file": "assets/main-BXk3Jd9_.js", "css": ["assets/main-4f3a2b1c.css"], "assets": [...]}}`:
 * each key is a source name (or `_name-hash.js` for a shared chunk, which is nobody's logical name);
 * `file`, `css` and `assets` are outputs. A `manifest.json` whose values are not all such objects is
 * something else (a web app manifest) and is ignored.
 */
function vite(json: unknown): { pairs: Pairs; outputs: string[] } | undefined {
  if (!isRecord(json)) return undefined;
  const chunks = Object.entries(json);
  if (chunks.length === 0 || !chunks.every(([, chunk]) => isRecord(chunk) && typeof chunk.file === 'string')) return undefined;
  const pairs: Pairs = [];
  const outputs: string[] = [];
  for (const [key, chunk] of chunks as Array<[string, Record<string, unknown>]>) {
    const file = chunk.file as string;
    const more = [chunk.css, chunk.assets].flatMap((list) => (Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []));
    outputs.push(...[file, ...more].filter((output) => VITE_HASHED.test(output)));
    if (!key.startsWith('_') && VITE_HASHED.test(file)) pairs.push([key, file]);
  }
  return { pairs, outputs };
}

/**
 * The hashed names and logical names the bundlers' manifests give, kept only where the hashed file
 * is in the folder (a manifest left over from another build names files that are not). A file that
 * is not one of the known formats gives nothing: `manifest.json` is also a web app manifest's name.
 */
export function bundledNames(manifests: readonly BundlerManifestFile[], files: readonly LocalFile[]): BundledNames {
  const present = new Set(files.map((file) => file.path));
  const hashed = new Set<string>();
  const names = new Map<string, string>();
  for (const manifest of manifests) {
    const json = parse(manifest.text);
    const found = manifest.path === 'staticfiles.json' ? { pairs: django(json) ?? [], outputs: [] } : (vite(json) ?? { pairs: [], outputs: [] });
    for (const output of found.outputs) if (present.has(output)) hashed.add(output);
    for (const [logical, file] of found.pairs) {
      if (!present.has(file) || logical === file) continue;
      hashed.add(file);
      if (!names.has(logical)) names.set(logical, file);
    }
  }
  return { hashed, names };
}
