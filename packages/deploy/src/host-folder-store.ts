import { mkdir, writeFile, copyFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AssetInputError, AssetStorageError, type AssetStore, checkFolderKey, FOLDER_META, type ObjectHead, type RemoteObject } from '@switchyard/assets';
import { COMMAND_TIMEOUT_MS, CommandError, type Host } from '@switchyard/host';

/** The folder store's metadata folder: the same layout, so either can read what the other wrote. */
const META = FOLDER_META;
/** Written last: pages name assets, and the metadata must not claim bytes that are not there yet. */
const LATE = [META, '.switchyard', '*.html', '*.htm'];
const DELETE_BATCH = 200;

export interface StagedStore extends AssetStore {
  /** Sends what put() staged; until then the server's folder is unchanged. */
  commit(): Promise<void>;
}

/**
 * Each line a source and a target key; each copy lands under a temp name beside its target and is
 * renamed over it, so nginx serves the old file or the new one, never a part.
 */
const COPY_SCRIPT = [
  'set -e',
  'cd "$1"',
  'n=0',
  'while IFS= read -r from && IFS= read -r to; do',
  '  n=$((n+1)); dir=$(dirname -- "$to"); mkdir -p -- "$dir"',
  '  cp -- "$from" "$dir/.tmp-copy-$$-$n" && mv -f -- "$dir/.tmp-copy-$$-$n" "$to"',
  'done',
].join('\n');

/**
 * A folder on a server as an asset store, for `assets.type: local` on a server reached over SSH:
 * listed and read there, written in batches. put() stages each object in `staging` on this machine
 * (a copy within the store is remembered instead); commit() sends them with rsync, which writes
 * each file under a temp name and renames it: the fingerprinted files first, then the copies made
 * on the server, then HTML, metadata and manifests. Nothing is deleted but by delete().
 */
export function hostFolderStore(host: Host, root: string, staging: string): StagedStore {
  const sizes = new Map<string, number>();
  const copies: { from: string; to: string }[] = [];
  const fail = (operation: string, error: unknown): never => {
    if (error instanceof AssetInputError) throw error;
    const detail = error instanceof CommandError ? error.stderr.trim().split('\n').at(-1) || error.message : (error as Error).message;
    throw new AssetStorageError(operation, `${host.name}:${root}`, detail);
  };
  const stage = async (key: string, write: (path: string) => Promise<void>) => {
    const path = join(staging, key);
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await write(path);
  };
  return {
    location: `${host.name}:${root}`,
    async list() {
      const result = await host
        .run(['find', root, '-path', join(root, META), '-prune', '-o', '-type', 'f', '!', '-name', '.tmp-*', '-printf', '%s %T@ %P\\0'], {
          nothrow: true,
          timeoutMs: COMMAND_TIMEOUT_MS.tree,
        })
        .catch((error: unknown) => fail('listing', error));
      if (!result.ok) {
        if (!(await host.exists(root))) return [];
        fail('listing', new Error(result.stderr.trim() || `find exited with ${result.exitCode}`));
      }
      const objects: RemoteObject[] = [];
      for (const entry of result.stdout.split('\0')) {
        const match = /^(\d+) ([\d.]+) (.+)$/s.exec(entry);
        if (!match) continue;
        const [, size, seconds, key] = match as unknown as [string, string, string, string];
        sizes.set(key, Number(size));
        objects.push({ key, size: Number(size), modifiedMs: Math.round(Number(seconds) * 1000) });
      }
      return objects;
    },
    async head(key) {
      const size = sizes.get(checkFolderKey(key));
      if (size === undefined) return undefined;
      const meta = await host.readFile(join(root, META, `${key}.json`)).catch((error: unknown) => fail(`reading ${key}`, error));
      try {
        return { size, ...(meta === undefined ? {} : (JSON.parse(meta) as Omit<ObjectHead, 'size'>)) };
      } catch {
        return { size };
      }
    },
    async get(key) {
      // Text only (what is read back is the manifests).
      const text = await host.readFile(join(root, checkFolderKey(key))).catch((error: unknown) => fail(`reading ${key}`, error));
      return text === undefined ? undefined : new TextEncoder().encode(text);
    },
    async put(object) {
      const key = checkFolderKey(object.key);
      const body = object.body;
      try {
        if ('copyOf' in body) copies.push({ from: checkFolderKey(body.copyOf), to: key });
        else await stage(key, (path) => ('bytes' in body ? writeFile(path, body.bytes, { mode: 0o644 }) : copyFile(body.path, path)));
        const meta = { sha256: object.sha256, contentType: object.contentType, cacheControl: object.cacheControl };
        await stage(`${META}/${key}.json`, (path) => writeFile(path, JSON.stringify(meta), { mode: 0o644 }));
      } catch (error) {
        fail(`staging ${key}`, error);
      }
    },
    async delete(keys) {
      const paths = keys.map((key) => checkFolderKey(key)).flatMap((key) => [join(root, key), join(root, META, `${key}.json`)]);
      for (let i = 0; i < paths.length; i += DELETE_BATCH)
        await host.run(['rm', '-f', '--', ...paths.slice(i, i + DELETE_BATCH)], { timeoutMs: COMMAND_TIMEOUT_MS.quick }).catch((error: unknown) => fail('deleting', error));
    },
    async commit() {
      try {
        await host.mkdirp(root, 0o755);
        await host.upload(staging, root, { exclude: LATE });
        if (copies.length > 0) {
          const input = copies.map(({ from, to }) => `${from}\n${to}\n`).join('');
          await host.run(['sh', '-c', COPY_SCRIPT, 'copy-assets', root], { input, timeoutMs: COMMAND_TIMEOUT_MS.tree });
        }
        await host.upload(staging, root);
      } catch (error) {
        fail('writing', error);
      }
    },
  };
}
