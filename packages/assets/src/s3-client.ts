import { S3Client } from '@aws-sdk/client-s3';

export interface S3ClientOptions {
  readonly region: string;
  /** An S3-compatible endpoint (MinIO, R2, s3rver); absent for AWS itself. */
  readonly endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which S3-compatible servers usually need. */
  readonly forcePathStyle?: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Attempts per request, including the first; the SDK waits with exponential backoff and jitter between them. */
  readonly maxAttempts?: number;
}

/**
 * An S3 client as the publisher needs it. Checksums only where an operation requires one: the
 * SDK's default (a CRC32 trailer on every upload, in aws-chunked framing) is not understood by
 * older S3-compatible servers, which then store the framing as part of the object (s3rver 3.7
 * does). Retries: the SDK's standard strategy (5 attempts here, up from 3, as a publish makes
 * hundreds of requests) re-sends each request, a multipart upload's each part.
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  quietSdkNodeNotice();
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 5,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * The SDK prints an 8-line notice on every Node before 22 that *future* SDK releases will need
 * Node 22. The SDK in use is the one the lockfile pins, so the notice is for whoever upgrades it
 * (the README says which Node to run), not for someone deploying; it would sit in the middle of
 * every deploy's output. Set AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false to see it.
 */
export function quietSdkNodeNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
