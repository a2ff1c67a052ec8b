import { CopyObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, paginateListObjectsV2, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createReadStream, readFileSync } from 'node:fs';
import { AssetStorageError } from './errors';
import type { RemoteObject } from './objects';
import type { AssetStore, PutObject } from './store';

export interface S3StoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** A key prefix inside the bucket (`assets/`); a trailing slash is added. */
  readonly prefix?: string;
  /** Files from this size up go as a multipart upload; below it, one PutObject from memory. */
  readonly multipartThreshold?: number;
  /** Originals below this size are put from their file rather than copied in the bucket (AssetStore.copyMinSize). */
  readonly copyMinSize?: number;
}

/** S3's smallest part is 5 MiB; 8 MiB parts, 4 at a time, match `aws s3`'s defaults (and bound memory to 32 MiB per file). */
const PART_SIZE = 8 * 1024 * 1024;
/**
 * One PutObject up to 16 MiB, not aws-cli's 8 MiB: a multipart upload is three requests more, and
 * the server joins the parts. 10 files of 9 MiB to s3rver, 16 in flight: 1.9 s as multipart
 * uploads, 0.9 s as single PUTs (its CPU 1.9 s against 0.6 s). A single PUT is sent from memory,
 * so uploads in flight hold at most 16 × 16 MiB.
 */
const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
/**
 * An original below 1 MiB is sent again rather than copied: against s3rver, 480 originals of
 * 1–50 KB, 16 in flight, took 5.1 s as CopyObject and 3.4 s as PutObject (its CPU 3.5 s against
 * 3.2 s; a copy reads the source's metadata and bytes back from disk); 10 of 9 MiB 0.6 s as copies,
 * 0.9 s sent again. On S3 both are one request; a small body costs little bandwidth.
 */
const COPY_MIN_SIZE = 1024 * 1024;
const PARTS_IN_FLIGHT = 4;
const DELETE_BATCH = 1000;

/** The SDK error's code and text, nothing else: it also carries the request, with its signed headers. */
function describe(error: unknown): string {
  const { name, message, $metadata } = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  return `${name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${message || 'no message'}`;
}

export function s3Store(options: S3StoreOptions): AssetStore {
  const { client, bucket } = options;
  const prefix = options.prefix ? options.prefix.replace(/\/?$/, '/') : '';
  const threshold = options.multipartThreshold ?? MULTIPART_THRESHOLD;
  const location = `s3://${bucket}/${prefix}`;
  const attempt = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new AssetStorageError(operation, location, describe(error));
    }
  };
  return {
    location,
    copyMinSize: options.copyMinSize ?? COPY_MIN_SIZE,
    list: () =>
      attempt('ListObjectsV2', async () => {
        const objects: RemoteObject[] = [];
        for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
          for (const item of page.Contents ?? []) {
            if (item.Key === undefined) continue;
            objects.push({
              key: item.Key.slice(prefix.length),
              size: item.Size ?? 0,
              ...(item.ETag ? { etag: item.ETag.replaceAll('"', '') } : {}),
              ...(item.LastModified ? { modifiedMs: item.LastModified.getTime() } : {}),
            });
          }
        }
        return objects;
      }),
    head: (key) =>
      attempt(`HeadObject ${key}`, async () => {
        try {
          const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: prefix + key }));
          return {
            size: head.ContentLength ?? 0,
            ...(head.Metadata?.sha256 ? { sha256: head.Metadata.sha256 } : {}),
            ...(head.ContentType ? { contentType: head.ContentType } : {}),
            ...(head.CacheControl ? { cacheControl: head.CacheControl } : {}),
          };
        } catch (error) {
          if ((error as { name?: string }).name === 'NotFound') return undefined;
          throw error;
        }
      }),
    get: (key) =>
      attempt(`GetObject ${key}`, async () => {
        try {
          const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: prefix + key }));
          return await object.Body?.transformToByteArray();
        } catch (error) {
          if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
          throw error;
        }
      }),
    put: (object: PutObject) =>
      attempt(`PutObject ${object.key}`, async () => {
        const params = {
          Bucket: bucket,
          Key: prefix + object.key,
          ContentType: object.contentType,
          CacheControl: object.cacheControl,
          Metadata: { sha256: object.sha256 },
        };
        const body = object.body;
        if ('copyOf' in body) {
          // One request, no bytes sent: CopyObject takes objects up to 5 GiB, far beyond any asset.
          const source = `${bucket}/${prefix}${body.copyOf}`.split('/').map(encodeURIComponent).join('/');
          await client.send(new CopyObjectCommand({ ...params, CopySource: source, MetadataDirective: 'REPLACE' }));
          return;
        }
        if ('path' in body && object.size >= threshold) {
          // Loaded only when a file is this large: lib-storage is not needed by most publishes.
          const { Upload } = await import('@aws-sdk/lib-storage');
          await new Upload({ client, params: { ...params, Body: createReadStream(body.path) }, partSize: PART_SIZE, queueSize: PARTS_IN_FLIGHT }).done();
          return;
        }
        // From memory, not a stream: the SDK can then re-send the body when it retries. Read at
        // once: an asset is small and in the page cache, and fs.promises.readFile's open, stat,
        // read and close each cost a turn of the event loop (2.2 s of a first publish's 7 s CPU).
        const bytes = 'path' in body ? readFileSync(body.path) : body.bytes;
        const put = new PutObjectCommand({ ...params, Body: bytes, ContentLength: bytes.byteLength });
        // The body's sha256 is known (PutObject.sha256): declared, the signer does not hash the body
        // again (a second sha256 of everything sent), and S3 refuses a body that no longer matches.
        put.middlewareStack.add(
          (next) => (args) => {
            const request = args.request as { headers?: Record<string, string> };
            if (request.headers) request.headers['x-amz-content-sha256'] = object.sha256;
            return next(args);
          },
          { step: 'build', name: 'declaredSha256' },
        );
        await client.send(put);
      }),
    delete: (keys) =>
      attempt('DeleteObjects', async () => {
        for (let start = 0; start < keys.length; start += DELETE_BATCH) {
          const batch = keys.slice(start, start + DELETE_BATCH).map((key) => ({ Key: prefix + key }));
          const result = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
          const failed = result.Errors?.[0];
          if (failed) throw Object.assign(new Error(`${failed.Key}: ${failed.Message ?? ''}`), { name: failed.Code ?? 'DeleteError' });
        }
      }),
  };
}
