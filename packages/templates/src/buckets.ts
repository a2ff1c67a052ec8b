import { basename } from 'node:path';
import { RenderError } from './errors';
import type { ServerLayout } from './layout';

/*
 * Socket mode's canary without a reload. nginx hashes each client into one of BUCKETS fixed
 * buckets of 1% (site.conf never changes); each bucket's upstream connects to two links in
 * run/buckets/. Normally every bucket's primary is ../live.sock and its backup ../idle.sock; a
 * canary of P% swaps the two for buckets 00..P-1. Moving traffic is then only atomic renames.
 */

export const BUCKETS = 100;

/** A symlink to have on the server: `path` -> `target` (relative to the link's directory). */
export interface LinkSpec {
  path: string;
  target: string;
}

type BucketLayout = Pick<ServerLayout, 'bucketSocket' | 'liveSocket' | 'idleSocket'>;

/**
 * Every bucket link for a canary of `canaryPercent` % of clients to the idle colour (0: none).
 * The targets are the stable live/idle links, so a plain switch (renaming those) leaves buckets alone.
 */
export function bucketLinks(layout: BucketLayout, canaryPercent: number): LinkSpec[] {
  if (!Number.isInteger(canaryPercent) || canaryPercent < 0 || canaryPercent >= BUCKETS)
    throw new RenderError(`canary percent: expected a whole number from 0 to ${BUCKETS - 1}`);
  const live = `../${basename(layout.liveSocket)}`;
  const idle = `../${basename(layout.idleSocket)}`;
  const links: LinkSpec[] = [];
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    const canary = bucket < canaryPercent;
    links.push({ path: layout.bucketSocket(bucket, 'primary'), target: canary ? idle : live });
    links.push({ path: layout.bucketSocket(bucket, 'backup'), target: canary ? live : idle });
  }
  return links;
}
