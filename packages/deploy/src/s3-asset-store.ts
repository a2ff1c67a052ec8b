import { createCloudFrontClient, createS3Client, invalidateCloudFront, s3Store } from '@switchyard/assets/s3';
import type { Config } from '@switchyard/config';
import type { OpenedStore, S3Assets } from './asset-store';

/** The access key from the two deploy secrets, or undefined: the SDK's own chain (environment, ~/.aws, an instance role). */
function credentialsOf(config: Config, assets: S3Assets) {
  if (!assets.credentials) return undefined;
  const id = config.secretValues[assets.credentials.accessKeyIdSecret];
  const secret = config.secretValues[assets.credentials.secretAccessKeySecret];
  return id && secret ? { accessKeyId: id.reveal(), secretAccessKey: secret.reveal() } : undefined;
}

/** The bucket, with the deploy secrets, which never leave this machine. */
export function openS3Store(config: Config, assets: S3Assets): OpenedStore {
  const client = createS3Client({ region: assets.region, endpoint: assets.endpoint, forcePathStyle: assets.endpoint !== undefined, credentials: credentialsOf(config, assets) });
  return {
    store: s3Store({ client, bucket: assets.bucket, prefix: assets.prefix }),
    commit: async () => undefined,
    close: async () => client.destroy(),
  };
}

/** One CloudFront invalidation of `paths`; the deploy id makes a retry the same request. */
export async function invalidateDistribution(config: Config, assets: S3Assets, distributionId: string, paths: readonly string[], deployId: string): Promise<string | undefined> {
  const client = createCloudFrontClient(credentialsOf(config, assets));
  try {
    return await invalidateCloudFront({ client, distributionId, paths, callerReference: deployId });
  } finally {
    client.destroy();
  }
}
