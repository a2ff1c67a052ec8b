import { AssetStorageError } from './errors';
import { manifestKey, manifestSchema, type AssetManifest } from './manifest';
import type { AssetStore } from './store';

/**
 * The published manifests of these releases. A release without one (published before manifests
 * were kept, or by hand), or with one that does not parse, fails the whole read: pruning without
 * knowing what a kept release references could delete what its pages ask for.
 */
export async function readManifests(store: AssetStore, releases: readonly string[]): Promise<AssetManifest[]> {
  return Promise.all(
    releases.map(async (release) => {
      const key = manifestKey(release);
      const bytes = await store.get(key);
      if (!bytes) throw new AssetStorageError(`reading the manifest of release ${release}`, store.location, `${key} does not exist`);
      let parsed;
      try {
        parsed = manifestSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
      } catch (error) {
        throw new AssetStorageError(`reading the manifest of release ${release}`, store.location, `${key} is not JSON (${(error as Error).message})`);
      }
      if (!parsed.success) throw new AssetStorageError(`reading the manifest of release ${release}`, store.location, `${key}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
      return parsed.data;
    }),
  );
}
