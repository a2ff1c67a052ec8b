import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderStore, type AssetStore } from '@switchyard/assets';
import type { Config } from '@switchyard/config';
import type { Host } from '@switchyard/host';
import { hostFolderStore } from './host-folder-store';

type Assets = NonNullable<Config['assets']>;
export type S3Assets = Extract<Assets, { type: 's3' }>;

/** A store opened for one command: commit() makes staged writes visible, close() frees what it holds. */
export interface OpenedStore {
  readonly store: AssetStore;
  commit(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The environment's asset store as seen from this machine: the bucket, or the folder on `host` —
 * directly on this machine, staged and sent with rsync to a server over SSH. The AWS SDK is loaded
 * for a bucket alone: a folder's deploy does not pay its ~0.1 s of loading.
 */
export async function openAssetStore(config: Config, assets: Assets, host: Host): Promise<OpenedStore> {
  if (assets.type === 's3') return (await import('./s3-asset-store')).openS3Store(config, assets);
  if (host.name === 'local') return { store: folderStore(assets.directory), commit: async () => undefined, close: async () => undefined };
  const staging = await mkdtemp(join(tmpdir(), 'switchyard-assets-'));
  // rsync gives the folder on the server this one's mode: nginx's workers (another user) must enter it.
  await chmod(staging, 0o755);
  const store = hostFolderStore(host, assets.directory, staging);
  return { store, commit: () => store.commit(), close: () => rm(staging, { recursive: true, force: true }) };
}

/** One invalidation for the paths rewritten under the same name; the deploy id makes a retry the same request. */
export async function invalidate(config: Config, assets: Assets, paths: readonly string[], deployId: string): Promise<string | undefined> {
  if (assets.type !== 's3' || !assets.cloudfrontDistribution || paths.length === 0) return undefined;
  return (await import('./s3-asset-store')).invalidateDistribution(config, assets, assets.cloudfrontDistribution, paths, deployId);
}
