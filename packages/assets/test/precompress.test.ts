import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { desiredObjects } from '../src/desired-objects';
import { keysReferenced } from '../src/manifest';
import { precompressed } from '../src/precompress';
import { readAssetFolder } from '../src/read-folder';

const CSS = `${'body { color: #222; margin: 0 auto; }\n'.repeat(40)}`;

async function folder(files: Record<string, string | Buffer>) {
  const dir = mkdtempSync(join(tmpdir(), 'precompress-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const { objects, manifest } = desiredObjects(await readAssetFolder(dir), { baseUrl: '/assets/', release: 'r1' });
  return { dir, objects, manifest };
}

describe('precompressed', () => {
  it('adds a gzip and a brotli twin beside each text file worth compressing, with its Cache-Control, in its phase', async () => {
    const { dir, objects } = await folder({ 'app.css': CSS, 'tiny.js': 'x=1\n', 'logo.png': Buffer.alloc(4096, 7), 'index.html': `<p>${CSS}</p>` });
    const twins = await precompressed(objects, dir, ['gzip', 'br']);
    const fingerprinted = objects.find((o) => /^app\.[0-9a-f]{12}\.css$/.test(o.key))!.key;
    expect(twins.map((t) => t.key).sort()).toEqual([`${fingerprinted}.br`, `${fingerprinted}.gz`, 'app.css.br', 'app.css.gz', 'index.html.br', 'index.html.gz'].sort());
    const gz = twins.find((t) => t.key === `${fingerprinted}.gz`)!;
    expect(gunzipSync((gz.source as { bytes: Uint8Array }).bytes).toString()).toBe(CSS);
    expect(brotliDecompressSync((twins.find((t) => t.key === 'app.css.br')!.source as { bytes: Uint8Array }).bytes).toString()).toBe(CSS);
    expect(gz).toMatchObject({ contentType: 'text/css; charset=utf-8', cacheControl: 'public, max-age=31536000, immutable', phase: 'asset', immutable: false });
    expect(gz.size).toBeLessThan(CSS.length);
    expect(twins.find((t) => t.key === 'app.css.gz')).toMatchObject({ cacheControl: 'no-cache', phase: 'original' });
    expect(twins.find((t) => t.key === 'index.html.gz')).toMatchObject({ phase: 'html' });
  });

  it('leaves out a twin the bundler already wrote, and one that would not be smaller', async () => {
    const random = randomBytes(2048);
    const { dir, objects } = await folder({ 'app.css': CSS, 'app.css.gz': 'the bundler\'s own', 'noise.txt': random });
    const twins = await precompressed(objects, dir, ['gzip']);
    expect(twins.map((t) => t.key)).not.toContain('app.css.gz');
    expect(twins.some((t) => t.key.startsWith('noise'))).toBe(false);
  });

  it('keeps the twins of what a release references from prune', async () => {
    const { manifest } = await folder({ 'app.css': CSS });
    const kept = keysReferenced(manifest);
    const url = manifest.assets['app.css']!.slice('/assets/'.length);
    for (const key of [url, `${url}.gz`, `${url}.br`, 'app.css.gz', 'app.css.br']) expect(kept.has(key)).toBe(true);
  });
});
