import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCloudFrontClient, createS3Client, folderStore, invalidateCloudFront, s3Store, type AssetStore } from '@switchyard/assets';
import type { Config } from '@switchyard/config';
import type { Host } from '@switchyard/host';
import { hostFolderStore } from './host-folder-store';

type Assets = NonNullable<Config['assets']>;
type S3Assets = Extract<Assets, { type: 's3' }>;

/** A store opened for one command: commit() makes staged writes visible, close() frees what it holds. */
export interface OpenedStore {
  readonly store: AssetStore;
  commit(): Promise<void>;
  close(): Promise<void>;
}

/** The access key from the two deploy secrets, or undefined: the SDK's own chain (environment, ~/.aws, an instance role). */
function credentialsOf(config: Config, assets: S3Assets) {
  if (!assets.credentials) return undefined;
  const id = config.secretValues[assets.credentials.accessKeyIdSecret];
  const secret = config.secretValues[assets.credentials.secretAccessKeySecret];
  return id && secret ? { accessKeyId: id.reveal(), secretAccessKey: secret.reveal() } : undefined;
}

/**
 * The environment's asset store as seen from this machine: the bucket (with the deploy secrets,
 * which never leave this machine), or the folder on `host` — directly on this machine, staged and
 * sent with rsync to a server over SSH.
 */
export async function openAssetStore(config: Config, assets: Assets, host: Host): Promise<OpenedStore> {
  if (assets.type === 's3') {
    const client = createS3Client({ region: assets.region, endpoint: assets.endpoint, forcePathStyle: assets.endpoint !== undefined, credentials: credentialsOf(config, assets) });
    return {
      store: s3Store({ client, bucket: assets.bucket, prefix: assets.prefix }),
      commit: async () => undefined,
      close: async () => client.destroy(),
    };
  }
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
  const client = createCloudFrontClient(credentialsOf(config, assets));
  try {
    return await invalidateCloudFront({ client, distributionId: assets.cloudfrontDistribution, paths, callerReference: deployId });
  } finally {
    client.destroy();
  }
}
