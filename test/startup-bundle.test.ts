import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byPackage, closure, readMetafile, staticClosure } from '../bench/lib/bundle-closure';
import { REPO } from './support/cli';

/*
 * What the built commands compile when they start (dist/commands/meta.json, from `pnpm build`,
 * which `pnpm test` runs first). A switch or a status moves traffic or reads it in well under a
 * second: zod (most of a command's start-up), the AWS SDK, the PostgreSQL client and zx must stay
 * out of them until a step needs them. bench:startup prints the sizes and times.
 */
const meta = readMetafile(join(REPO, 'dist/commands'));
const packagesAtStart = (command: string) => byPackage(meta, closure(meta, command).atStart).map(([name]) => name);
const packagesOnDemand = (command: string) => byPackage(meta, closure(meta, command).onDemand).map(([name]) => name);
const HEAVY = ['zod', '@aws-sdk/client-s3', 'pg', 'zx'];

describe('what a command loads at start', () => {
  it.each(['switch', 'status', 'rollback', 'logs'])('%s: none of zod, the AWS SDK, pg or zx', (command) => {
    expect(packagesAtStart(command).filter((name) => HEAVY.includes(name))).toEqual([]);
    expect(packagesAtStart(command)).toContain('@switchyard/host');
  });

  it('deploy: the same, each loaded on demand by the step that needs it', () => {
    expect(packagesAtStart('deploy').filter((name) => HEAVY.includes(name))).toEqual([]);
    expect(packagesOnDemand('deploy')).toEqual(expect.arrayContaining(HEAVY));
  });

  it("deploy: its asset steps load the AWS SDK for a bucket alone, not to publish to a folder", () => {
    const { onDemand } = closure(meta, 'deploy');
    const chunkOf = (source: string) => [...onDemand].find((key) => meta.outputs[key]?.entryPoint === source);
    const packagesWith = (source: string) => byPackage(meta, staticClosure(meta, chunkOf(source)!)).map(([name]) => name);
    expect(packagesWith('packages/deploy/src/publish-release-assets.ts')).not.toContain('@aws-sdk/client-s3');
    expect(packagesWith('packages/deploy/src/publish-release-assets.ts')).toContain('mime-db');
    expect(packagesWith('packages/deploy/src/s3-asset-store.ts')).toEqual(expect.arrayContaining(['@aws-sdk/client-s3', '@aws-sdk/client-cloudfront']));
  });
});
