import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startTestS3, type TestS3 } from '@switchyard/testbed';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { AssetStorageError, CACHE_IMMUTABLE, CACHE_REVALIDATE, publishAssets, pruneAssets, readManifests } from '../src/index';
import { createS3Client, s3Store } from '../src/s3';
import { SITE, tempFolder, writeFiles } from './support/folder';
import { flakyProxy } from './support/flaky-proxy';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(() => s3?.stop());

function client(credentials = s3.credentials): S3Client {
  const made = createS3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials, maxAttempts: 1 });
  onTestFinished(() => made.destroy());
  return made;
}

/** The commands a client sends, by name, as its middleware sees them. */
function recordCommands(s3Client: S3Client): string[] {
  const names: string[] = [];
  s3Client.middlewareStack.add((next, context) => (args) => {
    names.push(context.commandName ?? '?');
    return next(args);
  }, { step: 'initialize' });
  return names;
}

const count = (names: string[], name: string) => names.filter((each) => each === name).length;

describe('publishing to S3 (s3rver on loopback)', () => {
  it('uploads everything with its headers, then nothing when nothing changed, then only the changed file and the manifest', async () => {
    const site = tempFolder(SITE);
    const s3Client = client();
    const commands = recordCommands(s3Client);
    const store = s3Store({ client: s3Client, bucket: s3.bucket, prefix: 'first' });
    const publish = () => publishAssets({ store, dir: site, baseUrl: 'https://cdn.example/static/', release: 'r1' });

    const first = await publish();
    expect(first).toMatchObject({ files: 4, uploaded: 7, unchanged: 0 });
    const appKey = first.manifest.assets['css/app.css']!.slice('https://cdn.example/static/'.length);
    const head = (key: string) => s3Client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `first/${key}` }));
    expect(await head(appKey)).toMatchObject({ CacheControl: CACHE_IMMUTABLE, ContentType: 'text/css; charset=utf-8', ContentLength: SITE['css/app.css'].length });
    expect(await head('css/app.css')).toMatchObject({ CacheControl: CACHE_REVALIDATE, Metadata: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(await head('assets/main-DiwrgTda.js')).toMatchObject({ CacheControl: CACHE_IMMUTABLE, ContentType: 'text/javascript; charset=utf-8' });
    expect(await head('index.html')).toMatchObject({ CacheControl: CACHE_REVALIDATE, ContentType: 'text/html; charset=utf-8' });
    const body = await s3Client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `first/${appKey}` }));
    expect(await body.Body?.transformToString()).toBe(SITE['css/app.css']);
    const manifest = await s3Client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'first/.switchyard/manifests/r1.json' }));
    expect(JSON.parse((await manifest.Body?.transformToString()) ?? '')).toEqual(first.manifest);

    commands.length = 0;
    expect(await publish()).toMatchObject({ uploaded: 0, unchanged: 7 });
    expect(count(commands, 'PutObjectCommand')).toBe(0);

    writeFiles(site, { 'css/app.css': 'body { color: red }\n' });
    commands.length = 0;
    const third = await publish();
    expect(third).toMatchObject({ uploaded: 3, unchanged: 4 });
    // A small original is sent again rather than copied in the store (cheaper for the server, see s3-store.ts).
    expect(count(commands, 'PutObjectCommand')).toBe(3);
    expect(count(commands, 'CopyObjectCommand')).toBe(0);
    const original = await s3Client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'first/css/app.css' }));
    expect(original).toMatchObject({ CacheControl: CACHE_REVALIDATE, ContentType: 'text/css; charset=utf-8' });
    expect(await original.Body?.transformToString()).toBe('body { color: red }\n');
    expect(await head(third.manifest.assets['css/app.css']!.slice('https://cdn.example/static/'.length))).toMatchObject({ CacheControl: CACHE_IMMUTABLE });
  });

  it('copies an original inside the store from its fingerprinted copy when the store says copies pay (copyMinSize)', async () => {
    const site = tempFolder(SITE);
    const s3Client = client();
    const commands = recordCommands(s3Client);
    const store = s3Store({ client: s3Client, bucket: s3.bucket, prefix: 'copies', copyMinSize: 0 });
    expect(await publishAssets({ store, dir: site, baseUrl: '/', release: 'r1' })).toMatchObject({ uploaded: 7 });
    expect(count(commands, 'CopyObjectCommand')).toBe(2); // css/app.css and favicon.ico
    const original = await s3Client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'copies/css/app.css' }));
    expect(original).toMatchObject({ CacheControl: CACHE_REVALIDATE, ContentType: 'text/css; charset=utf-8' });
    expect(await original.Body?.transformToString()).toBe(SITE['css/app.css']);
  });

  it('declares the sha256 it is given instead of hashing the body again (S3 refuses a body that does not match)', async () => {
    const s3Client = client();
    const declared: string[] = [];
    s3Client.middlewareStack.add(
      (next) => (args) => {
        declared.push((args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] ?? '');
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    const store = s3Store({ client: s3Client, bucket: s3.bucket, prefix: 'declared' });
    const sha256 = 'ab'.repeat(32); // not the body's: s3rver does not check it, so what was sent shows who computed it
    await store.put({ key: 'x.txt', body: { bytes: new TextEncoder().encode('hello\n') }, size: 6, contentType: 'text/plain', cacheControl: CACHE_REVALIDATE, sha256 });
    expect(declared).toEqual([sha256]);
  });

  it('sends a 9 MiB file as one PutObject and its original as a copy inside the store; from multipartThreshold up, a multipart upload', async () => {
    const big = randomBytes(9 * 1024 * 1024);
    const site = tempFolder({ 'video/intro clip.mp4': big });
    const s3Client = client();
    const commands = recordCommands(s3Client);
    const result = await publishAssets({ store: s3Store({ client: s3Client, bucket: s3.bucket, prefix: 'big' }), dir: site, baseUrl: '/', release: 'r1' });
    expect(count(commands, 'CreateMultipartUploadCommand')).toBe(0);
    expect(count(commands, 'PutObjectCommand')).toBe(2); // the fingerprinted copy and the manifest
    expect(count(commands, 'CopyObjectCommand')).toBe(1); // the original, from the fingerprinted copy
    const key = decodeURIComponent(result.manifest.assets['video/intro clip.mp4']!.slice(1));
    const object = await s3Client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `big/${key}` }));
    expect(object).toMatchObject({ ContentType: 'video/mp4', CacheControl: CACHE_IMMUTABLE });
    expect(Buffer.from((await object.Body?.transformToByteArray()) ?? []).equals(big)).toBe(true);
    const original = await s3Client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'big/video/intro clip.mp4' }));
    expect(original).toMatchObject({ ContentType: 'video/mp4', CacheControl: CACHE_REVALIDATE, Metadata: { sha256: createHash('sha256').update(big).digest('hex') } });
    expect(Buffer.from((await original.Body?.transformToByteArray()) ?? []).equals(big)).toBe(true);

    commands.length = 0;
    const store = s3Store({ client: s3Client, bucket: s3.bucket, prefix: 'multipart', multipartThreshold: 8 * 1024 * 1024 });
    await publishAssets({ store, dir: site, baseUrl: '/', release: 'r1' });
    expect(count(commands, 'CreateMultipartUploadCommand')).toBe(1);
    expect(count(commands, 'UploadPartCommand')).toBe(2);
    expect(count(commands, 'CompleteMultipartUploadCommand')).toBe(1);
    const parted = await s3Client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `multipart/${key}` }));
    expect(Buffer.from((await parted.Body?.transformToByteArray()) ?? []).equals(big)).toBe(true);
  }, 60_000);

  it('lists a prefix of more than 1,000 keys across pages', async () => {
    const files = Object.fromEntries(Array.from({ length: 501 }, (_, index) => [`many/file${index}.txt`, `content ${index}\n`]));
    const site = tempFolder(files);
    const store = s3Store({ client: client(), bucket: s3.bucket, prefix: 'many' });
    expect(await publishAssets({ store, dir: site, baseUrl: '/', release: 'r1' })).toMatchObject({ uploaded: 1003 });
    expect(await store.list()).toHaveLength(1003);
    expect(await publishAssets({ store, dir: site, baseUrl: '/', release: 'r1' })).toMatchObject({ uploaded: 0, unchanged: 1003 });
  }, 60_000);

  it('prunes what only a dropped release referenced, reading the kept manifests back from the bucket', async () => {
    const site = tempFolder(SITE);
    const store = s3Store({ client: client(), bucket: s3.bucket, prefix: 'prune' });
    const r1 = await publishAssets({ store, dir: site, baseUrl: '/', release: 'r1' });
    writeFiles(site, { 'css/app.css': 'body { color: red }\n' });
    const r2 = await publishAssets({ store, dir: site, baseUrl: '/', release: 'r2' });
    // s3rver stamps objects with the time of the request: prune as if 40 days later.
    const plan = await pruneAssets({ store, kept: await readManifests(store, ['r2']), olderThanMs: 30 * 86_400_000, nowMs: Date.now() + 40 * 86_400_000 });
    expect(plan.remove).toEqual(['.switchyard/manifests/r1.json', r1.manifest.assets['css/app.css']!.slice(1)]);
    const left = (await store.list()).map((object) => object.key);
    expect(left).toHaveLength(7);
    expect(left).toContain(r2.manifest.assets['css/app.css']!.slice(1));
    expect(left).not.toContain(r1.manifest.assets['css/app.css']!.slice(1));
  });

  it('retries a throttled upload with backoff, and names the object once the attempts run out', async () => {
    const site = tempFolder(SITE);
    const make = async (failures: number) => {
      const proxy = await flakyProxy(s3.endpoint, failures);
      const s3Client = createS3Client({ region: s3.region, endpoint: proxy.endpoint, forcePathStyle: true, credentials: s3.credentials, maxAttempts: 3 });
      onTestFinished(() => s3Client.destroy());
      return { proxy, store: s3Store({ client: s3Client, bucket: s3.bucket, prefix: `retry-${failures}` }) };
    };
    const recovering = await make(2);
    expect(await publishAssets({ store: recovering.store, dir: site, baseUrl: '/', release: 'r1', concurrency: 1 })).toMatchObject({ uploaded: 7 });
    expect(recovering.proxy.failed).toBe(2);

    const failing = await make(3);
    const error = await publishAssets({ store: failing.store, dir: site, baseUrl: '/', release: 'r1', concurrency: 1 }).catch((caught: unknown) => caught);
    expect(failing.proxy.failed).toBe(3);
    expect(error).toBeInstanceOf(AssetStorageError);
    expect((error as Error).message).toMatch(/^PutObject assets\/main-DiwrgTda\.js on s3:\/\/assets\/retry-3\/ failed: SlowDown \(HTTP 503\)/);
  }, 30_000);

  it('a bucket that does not exist: a storage error naming the bucket and the operation, exit code 1', async () => {
    const site = tempFolder(SITE);
    const store = s3Store({ client: client(), bucket: 'no-such-bucket', prefix: 'x' });
    const error = await publishAssets({ store, dir: site, baseUrl: '/', release: 'r1' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AssetStorageError);
    expect(error).toMatchObject({ exitCode: 1, message: expect.stringMatching(/^ListObjectsV2 on s3:\/\/no-such-bucket\/x\/ failed: NoSuchBucket \(HTTP 404\)/) });
  });

  // s3rver checks the access key id but not a SigV4 signature, so a wrong secret cannot be shown failing here.
  it('an unknown access key: a storage error naming the bucket and the operation, never the credential', async () => {
    const credentials = { accessKeyId: 'AKIAWRONGWRONGWRONG1', secretAccessKey: 'wrong-secret-0123456789' };
    const site = tempFolder(SITE);
    const store = s3Store({ client: client(credentials), bucket: s3.bucket });
    const error = await publishAssets({ store, dir: site, baseUrl: '/', release: 'r1' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AssetStorageError);
    const { message, stack } = error as Error;
    expect(message).toMatch(new RegExp(`^ListObjectsV2 on s3://${s3.bucket}/ failed: InvalidAccessKeyId \\(HTTP 403\\)`));
    for (const secret of [credentials.secretAccessKey, credentials.accessKeyId]) expect(`${message}\n${stack}\n${JSON.stringify(error)}`).not.toContain(secret);
  });
});
