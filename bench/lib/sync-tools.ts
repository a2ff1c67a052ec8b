import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestS3 } from '@switchyard/testbed';
import { type TimedChild, timeChild } from './child';

/** One publish of a folder into a bucket, timed as a whole process. */
export interface SyncRun {
  ms: number;
  /** Objects the tool wrote (uploads and copies), from its own output. */
  written: number;
  /** Switchyard only: the publishAssets() call alone, without Node's start and loading the SDK. */
  publishMs?: number;
}

export interface SyncTool {
  name: string;
  run(bucket: string, dir: string, release: string): Promise<SyncRun>;
}

/** Requests in flight for every tool: publishAssets' default, so all three get the same concurrency. */
export const IN_FLIGHT = 16;
const TIMEOUT_MS = 600_000;
// Debian's aws-cli 2, by path: the `aws` first on PATH may be another install (a pyenv shim of aws-cli 1 here).
export const AWS = '/usr/bin/aws';
export const RCLONE = '/usr/bin/rclone';

/** Which of the two peers is missing, with the package that brings it (scripts/bootstrap.sh installs both). */
export function missingTools(): string[] {
  return [
    ...(existsSync(AWS) ? [] : [`${AWS} (apt-get install awscli)`]),
    ...(existsSync(RCLONE) ? [] : [`${RCLONE} (apt-get install rclone)`]),
  ];
}

function check(name: string, run: TimedChild): TimedChild {
  if (run.code !== 0) throw new Error(`${name} exited ${run.code}:\n${run.output.slice(-2000)}`);
  return run;
}

const count = (output: string, pattern: RegExp) => output.split('\n').filter((line) => pattern.test(line)).length;

/**
 * The bundled publish command (bench/lib/publish-command.ts), under node, with its hash cache in
 * `hashCache` (a file beside the folder, not in it; assets.ts removes it before each first publish).
 */
export function switchyardTool(s3: TestS3, bundle: string, cwd: string, hashCache: string): SyncTool {
  const env = { AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey };
  return {
    name: 'Switchyard publishAssets',
    async run(bucket, dir, release) {
      const run = check(this.name, await timeChild(process.execPath, [bundle, s3.endpoint, bucket, dir, release, hashCache], { cwd, timeoutMs: TIMEOUT_MS, env }));
      const result = JSON.parse(run.output.trim().split('\n').pop()!) as { publishMs: number; uploaded: number };
      return { ms: run.ms, written: result.uploaded, publishMs: result.publishMs };
    },
  };
}

/**
 * `aws s3 sync`, configured by a file of its own (the user's ~/.aws is not read): path-style
 * requests, IN_FLIGHT requests at once, its default 8 MiB multipart threshold and parts.
 */
export function awsTool(s3: TestS3, tmp: string, cwd: string): SyncTool {
  const config = join(tmp, 'aws-config');
  writeFileSync(config, `[default]\nregion = ${s3.region}\ns3 =\n  addressing_style = path\n  max_concurrent_requests = ${IN_FLIGHT}\n`);
  const env = {
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'aws-credentials-none'),
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    // aws-cli from 2.23 (newer than Debian 12's 2.9) adds CRC trailers in aws-chunked framing to
    // every upload by default, which s3rver stores as part of the object; 2.9 ignores these.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
  };
  return {
    name: 'aws s3 sync',
    async run(bucket, dir) {
      const run = check(this.name, await timeChild(AWS, ['s3', 'sync', dir, `s3://${bucket}`, '--endpoint-url', s3.endpoint, '--no-progress'], { cwd, timeoutMs: TIMEOUT_MS, env }));
      return { ms: run.ms, written: count(run.output, /^upload: /) };
    },
  };
}

/**
 * `rclone sync`, configured by environment alone (an empty config file, so no user remote is
 * read). `--checksum` compares sizes and MD5s (the listing's ETags) as rclone's S3 docs advise:
 * its default compares modification times, which costs a HeadObject per file. `--fast-list` lists
 * the bucket in one pass; IN_FLIGHT transfers and checkers. Its 200 MiB single-upload cutoff is
 * left as it is: the 9 MiB files go as one PutObject each. list() times `rclone lsf` of a bucket:
 * its lister alone, the floor under any sync that lists that bucket; download() copies a bucket
 * into a local folder (untimed).
 */
export function rcloneTool(s3: TestS3, tmp: string, cwd: string): SyncTool & { list(bucket: string): Promise<number>; download(bucket: string, dir: string): Promise<void> } {
  const config = join(tmp, 'rclone.conf');
  writeFileSync(config, '');
  const env = {
    RCLONE_CONFIG: config,
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
    RCLONE_CONFIG_BENCH_ENDPOINT: s3.endpoint,
    RCLONE_CONFIG_BENCH_REGION: s3.region,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
    // rclone 1.60 will not start with a custom CA bundle set ("unsupported transport"); the
    // traffic here is plain HTTP to 127.0.0.1, which needs none.
    AWS_CA_BUNDLE: undefined,
  };
  const flags = ['--checksum', '--fast-list', '--transfers', String(IN_FLIGHT), '--checkers', String(IN_FLIGHT), '-v', '--stats', '0'];
  return {
    name: 'rclone sync',
    async run(bucket, dir) {
      const run = check(this.name, await timeChild(RCLONE, ['sync', dir, `bench:${bucket}`, ...flags], { cwd, timeoutMs: TIMEOUT_MS, env }));
      return { ms: run.ms, written: count(run.output, /: Copied \(/) };
    },
    async download(bucket, dir) {
      check('rclone copy', await timeChild(RCLONE, ['copy', `bench:${bucket}`, dir, ...flags], { cwd, timeoutMs: TIMEOUT_MS, env }));
    },
    async list(bucket) {
      return check('rclone lsf', await timeChild(RCLONE, ['lsf', '-R', '--fast-list', `bench:${bucket}`], { cwd, timeoutMs: TIMEOUT_MS, env })).ms;
    },
  };
}

/** Node's own start, spawn to exit: the floor under any command written for Node. */
export async function nodeStartMs(cwd: string): Promise<number> {
  return check('node -e 0', await timeChild(process.execPath, ['-e', '0'], { cwd, timeoutMs: TIMEOUT_MS })).ms;
}
