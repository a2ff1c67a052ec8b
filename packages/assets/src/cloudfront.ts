import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { AssetStorageError } from './errors';
import { quietSdkNodeNotice } from './s3-client';

export interface InvalidateOptions {
  readonly client: CloudFrontClient;
  readonly distributionId: string;
  readonly paths: readonly string[];
  /** The deploy id: CloudFront treats a second request with the same reference as the same invalidation, so a retried deploy does not invalidate twice. */
  readonly callerReference: string;
}

/** One CreateInvalidation for a deploy's paths (none: no request); returns its id. */
export async function invalidateCloudFront(options: InvalidateOptions): Promise<string | undefined> {
  if (options.paths.length === 0) return undefined;
  try {
    const result = await options.client.send(
      new CreateInvalidationCommand({
        DistributionId: options.distributionId,
        InvalidationBatch: { CallerReference: options.callerReference, Paths: { Quantity: options.paths.length, Items: [...options.paths] } },
      }),
    );
    return result.Invalidation?.Id;
  } catch (error) {
    const { name, message } = error as { name?: string; message?: string };
    throw new AssetStorageError('CreateInvalidation', `CloudFront distribution ${options.distributionId}`, `${name ?? 'Error'}: ${message || 'no message'}`);
  }
}

/** CloudFront's API has one endpoint, in us-east-1, whatever the bucket's region. */
export function createCloudFrontClient(credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string }): CloudFrontClient {
  quietSdkNodeNotice();
  return new CloudFrontClient({ region: 'us-east-1', maxAttempts: 5, ...(credentials ? { credentials } : {}) });
}
