// The benchmark's own publish command, bundled at run time and timed as a whole process like
// `aws` and `rclone` beside it (Node's start and loading the AWS SDK included):
//   node publish.mjs ENDPOINT BUCKET DIR RELEASE [HASH_CACHE]
// HASH_CACHE: a file where publishAssets remembers the folder's hashes between runs (its hashCache).
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, never from argv. Prints one JSON
// line: what publishAssets reported and how long the call itself took.
import { performance } from 'node:perf_hooks';
import { publishAssets } from '@switchyard/assets';
import { createS3Client, s3Store } from '@switchyard/assets/s3';

const [endpoint, bucket, dir, release, hashCache] = process.argv.slice(2);
const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = process.env;
if (!endpoint || !bucket || !dir || !release || !accessKeyId || !secretAccessKey) {
  console.error('usage: node publish.mjs ENDPOINT BUCKET DIR RELEASE [HASH_CACHE] (with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set)');
  process.exit(2);
}
const client = createS3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
const started = performance.now();
const result = await publishAssets({ store: s3Store({ client, bucket }), dir, baseUrl: `/${bucket}/`, release, ...(hashCache ? { hashCache } : {}) });
const publishMs = performance.now() - started;
client.destroy();
console.log(JSON.stringify({ publishMs, files: result.files, uploaded: result.uploaded, unchanged: result.unchanged }));
