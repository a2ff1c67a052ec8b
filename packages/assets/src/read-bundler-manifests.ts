import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLER_MANIFESTS, type BundlerManifestFile } from './bundler-manifest';
import { AssetStorageError } from './errors';

/** The bundler manifests a built folder holds (see BUNDLER_MANIFESTS); none is the usual case. */
export async function readBundlerManifests(directory: string): Promise<BundlerManifestFile[]> {
  const found = await Promise.all(
    BUNDLER_MANIFESTS.map(async (path) => {
      try {
        return { path, text: await readFile(join(directory, path), 'utf8') };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
        throw new AssetStorageError(`reading ${path}`, directory, code ?? String(error));
      }
    }),
  );
  return found.filter((manifest) => manifest !== undefined);
}
