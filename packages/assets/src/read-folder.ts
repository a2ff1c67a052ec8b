import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AssetStorageError } from './errors';
import type { LocalFile } from './objects';
import { mapLimit } from './map-limit';

/**
 * Dot files and folders are not published (`.vite/manifest.json`, `.DS_Store`, `.gitkeep`): they
 * are build leftovers, not assets, and the store keeps its own manifests under a dot name. The one
 * exception is `.well-known/`, which is meant to be served.
 */
const skipped = (name: string) => name.startsWith('.') && name !== '.well-known';

async function hashFile(path: string): Promise<{ size: number; sha256: string; md5: string }> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    sha256.update(chunk);
    md5.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: sha256.digest('hex'), md5: md5.digest('hex') };
}

async function walk(root: string, relative: string, into: string[]): Promise<void> {
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  for (const entry of entries) {
    if (skipped(entry.name)) continue;
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await walk(root, path, into);
    else if (entry.isFile()) into.push(path);
  }
}

/** Every file of a built assets folder, hashed (a few files at a time, so the disk stays busy). */
export async function readAssetFolder(directory: string, concurrency = 8): Promise<LocalFile[]> {
  const paths: string[] = [];
  try {
    await walk(directory, '', paths);
  } catch (error) {
    throw new AssetStorageError('reading the assets folder', directory, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  return mapLimit(paths.sort(), concurrency, async (path) => ({ path, ...(await hashFile(join(directory, path))) }));
}
