import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AssetInputError, AssetStorageError } from './errors';
import type { RemoteObject } from './objects';
import type { AssetStore, ObjectHead, PutObject } from './store';

/**
 * A plain folder has no per-file headers, so each object's metadata (sha256, Content-Type,
 * Cache-Control) is kept in a JSON file beside it under this dot folder. nginx does not read it:
 * serving the folder, nginx takes Content-Type from its mime.types and should send the immutable
 * Cache-Control for fingerprinted names and `no-cache` for the rest, and deny dot paths (README).
 */
export const FOLDER_META = '.switchyard-meta';
const META = FOLDER_META;

/**
 * A key as a path under the folder: relative, no empty, '.' or '..' segment (nothing outside the
 * folder), not in the metadata folder, no control character (a key also travels as a line to a
 * server's copy script).
 */
export function checkFolderKey(key: string): string {
  if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..') || key.startsWith(`${META}/`) || /[\u0000-\u001f\u007f]/.test(key)) {
    throw new AssetInputError(`asset key ${JSON.stringify(key)}: expected a relative path without empty, '.' or '..' segments or control characters`);
  }
  return key;
}

const checkedPath = (root: string, key: string) => join(root, checkFolderKey(key));

/** Temp file beside the target (same directory, so the rename is atomic), then rename. */
async function writeAtomically(target: string, write: (temp: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await write(temp);
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

async function walk(root: string, relative: string, into: RemoteObject[]): Promise<void> {
  for (const entry of await readdir(join(root, relative), { withFileTypes: true })) {
    const key = relative ? `${relative}/${entry.name}` : entry.name;
    if (key === META || entry.name.startsWith('.tmp-')) continue;
    if (entry.isDirectory()) await walk(root, key, into);
    else if (entry.isFile()) {
      const stats = await stat(join(root, key));
      into.push({ key, size: stats.size, modifiedMs: stats.mtimeMs });
    }
  }
}

export function folderStore(root: string): AssetStore {
  const fail = (operation: string, error: unknown): never => {
    if (error instanceof AssetInputError) throw error;
    throw new AssetStorageError(operation, root, (error as NodeJS.ErrnoException).code ?? String(error));
  };
  return {
    location: root,
    async list() {
      const objects: RemoteObject[] = [];
      try {
        await walk(root, '', objects);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail('listing', error);
      }
      return objects;
    },
    async head(key) {
      try {
        const [size, meta] = await Promise.all([
          stat(checkedPath(root, key)).then((stats) => stats.size),
          readFile(join(root, META, `${key}.json`), 'utf8').then((text) => JSON.parse(text) as Omit<ObjectHead, 'size'>, () => ({})),
        ]);
        return { size, ...meta };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        return fail(`reading ${key}`, error);
      }
    },
    async get(key) {
      try {
        return await readFile(checkedPath(root, key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        return fail(`reading ${key}`, error);
      }
    },
    async put(object: PutObject) {
      try {
        const target = checkedPath(root, object.key);
        const meta = { sha256: object.sha256, contentType: object.contentType, cacheControl: object.cacheControl };
        const body = object.body;
        const write = (temp: string) => ('bytes' in body ? writeFile(temp, body.bytes) : copyFile('path' in body ? body.path : checkedPath(root, body.copyOf), temp));
        await writeAtomically(target, write);
        // The bytes first: a crash between the two leaves new bytes beside the old sha256, which the
        // next publish sees as "changed" and rewrites; the other order would hide the change.
        await writeAtomically(join(root, META, `${object.key}.json`), (temp) => writeFile(temp, JSON.stringify(meta)));
      } catch (error) {
        fail(`writing ${object.key}`, error);
      }
    },
    async delete(keys) {
      try {
        for (const key of keys) {
          await rm(checkedPath(root, key), { force: true });
          await rm(join(root, META, `${key}.json`), { force: true });
        }
      } catch (error) {
        fail('deleting', error);
      }
    },
  };
}
