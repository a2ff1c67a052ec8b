import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { desiredObjects } from '../src/desired-objects';
import { keysReferenced, manifestSchema } from '../src/manifest';
import { CACHE_IMMUTABLE, CACHE_REVALIDATE, type LocalFile, type RemoteObject } from '../src/objects';
import { keysToInspect, planPublish } from '../src/plan-publish';

const file = (path: string, content: string): LocalFile => ({
  path,
  size: Buffer.byteLength(content),
  sha256: createHash('sha256').update(content).digest('hex'),
  md5: createHash('md5').update(content).digest('hex'),
});

const files = [file('css/app.css', 'body{}'), file('assets/main-DiwrgTda.js', 'js'), file('index.html', '<html>'), file('img/logo one.png', 'png')];
const options = { baseUrl: 'https://cdn.example/static', release: '20260101T000000Z-abc1234' };
const appKey = `css/app.${files[0]!.sha256.slice(0, 12)}.css`;

/** The store after a publish of `objects`: what a listing gives, plus the sha256 that head() would add. */
const published = (objects: ReturnType<typeof desiredObjects>['objects']): RemoteObject[] =>
  objects.map((object) => ({ key: object.key, size: object.size, etag: object.md5, sha256: object.sha256 }));

describe('desiredObjects', () => {
  const { objects, manifest } = desiredObjects(files, options);
  const byKey = new Map(objects.map((object) => [object.key, object]));

  it('keeps hashed names, fingerprints the rest and also publishes their originals (copied from the fingerprinted copy); HTML only under its name', () => {
    expect(objects.map((object) => [object.key, object.cacheControl, object.phase])).toEqual([
      ['assets/main-DiwrgTda.js', CACHE_IMMUTABLE, 'asset'],
      [appKey, CACHE_IMMUTABLE, 'asset'],
      ['css/app.css', CACHE_REVALIDATE, 'original'],
      [`img/logo one.${files[3]!.sha256.slice(0, 12)}.png`, CACHE_IMMUTABLE, 'asset'],
      ['img/logo one.png', CACHE_REVALIDATE, 'original'],
      ['index.html', CACHE_REVALIDATE, 'html'],
      ['.switchyard/manifests/20260101T000000Z-abc1234.json', CACHE_REVALIDATE, 'manifest'],
    ]);
    expect(byKey.get(appKey)?.contentType).toBe('text/css; charset=utf-8');
    expect(byKey.get('img/logo one.png')?.contentType).toBe('image/png');
    expect(byKey.get('css/app.css')?.source).toEqual({ copyOf: appKey });
  });

  it('maps logical names to URLs under the base URL, percent-encoded', () => {
    expect(manifest.assets).toEqual({
      'assets/main-DiwrgTda.js': 'https://cdn.example/static/assets/main-DiwrgTda.js',
      'css/app.css': `https://cdn.example/static/${appKey}`,
      'img/logo one.png': `https://cdn.example/static/img/logo%20one.${files[3]!.sha256.slice(0, 12)}.png`,
      'index.html': 'https://cdn.example/static/index.html',
    });
    const body = byKey.get('.switchyard/manifests/20260101T000000Z-abc1234.json')!.source;
    expect('bytes' in body && manifestSchema.parse(JSON.parse(new TextDecoder().decode(body.bytes)))).toEqual(manifest);
  });

  it('the manifest names every key the release relies on', () => {
    // Beside them, the compressed twins each may have (precompress).
    const referenced = [...keysReferenced(manifest)];
    expect(referenced.filter((key) => !/\.(gz|br)$/.test(key)).sort()).toEqual(objects.map((object) => object.key).sort());
    expect(referenced.filter((key) => /\.(gz|br)$/.test(key)).sort()).toEqual(objects.filter((o) => o.phase !== 'manifest').flatMap((o) => [`${o.key}.br`, `${o.key}.gz`]).sort());
  });

  it('a folder that already holds a file\'s fingerprinted copy publishes it once; the same key with other bytes is refused', () => {
    const copy = { ...files[0]!, path: appKey };
    const { objects: twice } = desiredObjects([...files, copy], options);
    expect(twice.filter((object) => object.key === appKey)).toHaveLength(1);
    expect(() => desiredObjects([...files, file(appKey, 'other bytes')], options)).toThrow(`${appKey}: a file of that name and the fingerprinted copy of another file would share this key with different content`);
  });

  it('refuses a release id that is not a plain name', () => {
    expect(() => desiredObjects(files, { ...options, release: '../x' })).toThrow(/release id "..\/x"/);
  });
});

describe('planPublish', () => {
  const { objects } = desiredObjects(files, options);

  it('into an empty store: everything, assets first, then the originals, then HTML, then the manifest', () => {
    const plan = planPublish(objects, []);
    expect(plan.uploads.map((object) => object.phase)).toEqual(['asset', 'asset', 'asset', 'original', 'original', 'html', 'manifest']);
    expect(plan.unchanged).toEqual([]);
  });

  it('nothing changed: nothing to upload', () => {
    const plan = planPublish(objects, published(objects));
    expect(plan.uploads).toEqual([]);
    expect(plan.unchanged).toHaveLength(objects.length);
  });

  it('one file changed: its new fingerprinted copy, its original and the manifest', () => {
    const before = published(objects);
    const changed = desiredObjects([file('css/app.css', 'body{color:red}'), ...files.slice(1)], options).objects;
    const plan = planPublish(changed, before);
    expect(plan.uploads.map((object) => object.key)).toEqual([expect.stringMatching(/^css\/app\.[0-9a-f]{12}\.css$/), 'css/app.css', '.switchyard/manifests/20260101T000000Z-abc1234.json']);
    expect(plan.uploads[0]!.key).not.toBe(appKey);
  });

  it('an unhashed file of the same size is compared by the sha256 in its metadata', () => {
    const [same, other] = [file('robots.txt', 'aaaa'), file('robots.txt', 'bbbb')];
    const { objects: want } = desiredObjects([other], options);
    const have = published(desiredObjects([same], options).objects);
    expect(keysToInspect(want, have.map(({ sha256: _, ...listed }) => listed))).toEqual(['robots.txt', '.switchyard/manifests/20260101T000000Z-abc1234.json']);
    expect(planPublish(want, have).uploads.map((object) => object.key)).toContain('robots.txt');
  });

  it('an unhashed object whose listed ETag is its md5 needs no look-up; an immutable one never does', () => {
    const have = published(objects).map(({ sha256: _, ...listed }) => listed);
    expect(keysToInspect(objects, have)).toEqual([]);
    const multipart = have.map((object) => ({ ...object, etag: `${object.etag}-2` }));
    expect(keysToInspect(objects, multipart)).toEqual(objects.filter((object) => !object.immutable).map((object) => object.key));
  });

  it('an unhashed object without metadata is rewritten unless its single-part ETag is the same md5', () => {
    const { objects: want } = desiredObjects([file('robots.txt', 'aaaa')], options);
    const original = want.find((object) => object.key === 'robots.txt')!;
    const listed = (etag: string): RemoteObject[] => [{ key: 'robots.txt', size: original.size, etag }];
    expect(planPublish(want, listed(original.md5)).unchanged.map((object) => object.key)).toEqual(['robots.txt']);
    expect(planPublish(want, listed(`${original.md5}-2`)).uploads.map((object) => object.key)).toContain('robots.txt');
  });

  it('a hash-bearing name already holding other content is a conflict, never overwritten', () => {
    const listed: RemoteObject[] = [{ key: 'assets/main-DiwrgTda.js', size: 99 }];
    const plan = planPublish(objects, listed);
    expect(plan.conflicts.map((object) => object.key)).toEqual(['assets/main-DiwrgTda.js']);
    expect(plan.uploads.map((object) => object.key)).not.toContain('assets/main-DiwrgTda.js');
  });
});
