import type { AssetManifest } from '@switchyard/assets';
import { describe, expect, it } from 'vitest';
import type { AssetsPruneReport } from '../src/assets-prune';
import { formatAssetsPrune } from '../src/format-assets-prune';
import { pruneScopes, type ServerReleases } from '../src/prune-scopes';

const manifest = (release: string): AssetManifest => ({ version: 1, release, baseUrl: '/assets/', assets: { 'app.css': `/assets/app.${release}.css` } });
const server = (name: string, machine: string, releases: Record<string, boolean>): ServerReleases => ({
  server: name,
  machine,
  releases: Object.entries(releases).map(([id, has]) => ({ id, manifest: has ? manifest(id) : undefined })),
});

describe('what keeps the objects of each store', () => {
  it('a bucket: one store, kept by every release on any server, each manifest once', () => {
    const scopes = pruneScopes('s3', [server('web1', 'web1', { r2: true, r3: true }), server('web2', 'web2', { r1: false, r3: true })]);
    expect(scopes).toHaveLength(1);
    expect(scopes[0]).toMatchObject({ servers: ['web1', 'web2'], releases: ['r1', 'r2', 'r3'], withoutManifest: ['r1'] });
    expect(scopes[0]!.manifests.map((m) => m.release)).toEqual(['r2', 'r3']);
  });

  it('a release with a manifest on one server only is kept by it', () => {
    const [scope] = pruneScopes('s3', [server('web1', 'web1', { r1: false }), server('web2', 'web2', { r1: true })]);
    expect([scope!.withoutManifest, scope!.manifests.map((m) => m.release)]).toEqual([[], ['r1']]);
  });

  it("local folders: each server's own, kept by its own releases; two roots on one machine share theirs", () => {
    const scopes = pruneScopes('local', [server('web1', 'web1', { r1: true }), server('web2', 'web2', { r2: true }), server('web1:/srv/b', 'web1', { r3: true })]);
    expect(scopes.map((s) => [s.servers, s.releases])).toEqual([
      [['web1', 'web1:/srv/b'], ['r1', 'r3']],
      [['web2'], ['r2']],
    ]);
  });
});

describe('the report', () => {
  const report = (dryRun: boolean): AssetsPruneReport => ({
    environment: 'production',
    dryRun,
    olderThan: '30d',
    olderThanMs: 30 * 86_400_000,
    stores: [
      { location: 's3://b/static/', servers: ['web1', 'web2'], releases: ['r2', 'r3'], withoutManifest: ['r2'], remove: ['a.css', 'b.js'], bytes: 3072, keptByRelease: 4, tooRecent: 1 },
    ],
    warnings: [],
    durationMs: 1234,
  });

  it('a dry run lists every key, one a line, and the counts', () => {
    expect(formatAssetsPrune(report(true))).toEqual([
      'assets prune (production): objects last written more than 30d ago that no release on a server references',
      '  s3://b/static/: 2 releases on web1, web2 keep what they reference',
      '    release r2 has no assets manifest (deployed before assets were configured): it references nothing',
      '    would delete 2 objects (3.0 KiB):',
      '      a.css',
      '      b.js',
      '    kept: 4 objects a release references, 1 object written within 30d',
      'Dry run: nothing was deleted.',
    ]);
  });

  it('a real run counts what went', () => {
    const lines = formatAssetsPrune(report(false));
    expect(lines).toContain('    deleted 2 objects (3.0 KiB)');
    expect(lines).not.toContain('      a.css');
    expect(lines.at(-1)).toBe('Finished in 1.23 s');
  });
});
