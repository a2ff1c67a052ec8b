import { describe, expect, it } from 'vitest';
import { publishAssets, type AssetStore, type PutObject } from '../src/index';
import { tempFolder } from './support/folder';

/** A store in memory that logs when each put starts and ends; puts of `slow` keys take a while. */
function loggingStore(slow: (key: string) => boolean, copyMinSize?: number): { store: AssetStore; log: string[]; bodies: Map<string, PutObject['body']> } {
  const log: string[] = [];
  const bodies = new Map<string, PutObject['body']>();
  const store: AssetStore = {
    location: 'memory',
    ...(copyMinSize === undefined ? {} : { copyMinSize }),
    list: async () => [],
    head: async () => undefined,
    get: async () => undefined,
    put: async (object) => {
      log.push(`start ${object.key}`);
      bodies.set(object.key, object.body);
      await new Promise((resolve) => setTimeout(resolve, slow(object.key) ? 50 : 1));
      log.push(`end ${object.key}`);
    },
    delete: async () => undefined,
  };
  return { store, log, bodies };
}

describe('the order of writes', () => {
  const site = { 'a.css': 'a{}\n', 'b.css': 'b{}\n', 'index.html': '<!doctype html>\n' };

  it('copies an original once its own fingerprinted copy is written, without waiting for the other assets; HTML and the manifest after all of them', async () => {
    const dir = tempFolder(site);
    const { store, log, bodies } = loggingStore((key) => /^b\.[0-9a-f]{12}\.css$/.test(key));
    const result = await publishAssets({ store, dir, baseUrl: '/', release: 'r1' });
    const keyOf = (name: string) => result.manifest.assets[name]!.slice(1);
    const at = (event: string) => log.indexOf(event);
    expect(bodies.get('a.css')).toEqual({ copyOf: keyOf('a.css') });
    expect(at(`start a.css`)).toBeGreaterThan(at(`end ${keyOf('a.css')}`));
    // a.css's copy does not wait for the slow b.<hash>.css …
    expect(at(`end a.css`)).toBeLessThan(at(`end ${keyOf('b.css')}`));
    // … but b.css's copy does.
    expect(at(`start b.css`)).toBeGreaterThan(at(`end ${keyOf('b.css')}`));
    const lastOfFirstWave = Math.max(...['a.css', 'b.css', keyOf('a.css'), keyOf('b.css')].map((key) => at(`end ${key}`)));
    expect(at('start index.html')).toBeGreaterThan(lastOfFirstWave);
    expect(at('start .switchyard/manifests/r1.json')).toBeGreaterThan(at('end index.html'));
  });

  it('puts an original below the store\'s copyMinSize from its own file, beside its fingerprinted copy', async () => {
    const dir = tempFolder(site);
    const { store, log, bodies } = loggingStore((key) => /^b\.[0-9a-f]{12}\.css$/.test(key), 1024);
    const result = await publishAssets({ store, dir, baseUrl: '/', release: 'r1' });
    expect(bodies.get('b.css')).toEqual({ path: `${dir}/b.css` });
    expect(log.indexOf('start b.css')).toBeLessThan(log.indexOf(`end ${result.manifest.assets['b.css']!.slice(1)}`));
  });
});
