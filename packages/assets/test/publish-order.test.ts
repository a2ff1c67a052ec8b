import { describe, expect, it } from 'vitest';
import { publishAssets, type AssetStore, type PutObject } from '../src/index';
import { tempFolder } from './support/folder';

/**
 * A store in memory that logs when each put starts and ends. A put of a `held` key ends only once
 * `release(log)` says so (checked after every event), or after 5 s, so a wrong order fails an
 * assertion instead of hanging.
 */
function loggingStore(held: (key: string) => boolean, release: (log: readonly string[]) => boolean, copyMinSize?: number) {
  const log: string[] = [];
  const bodies = new Map<string, PutObject['body']>();
  const waiting: (() => void)[] = [];
  const note = (event: string) => {
    log.push(event);
    if (release(log)) waiting.splice(0).forEach((resume) => resume());
  };
  const store: AssetStore = {
    location: 'memory',
    ...(copyMinSize === undefined ? {} : { copyMinSize }),
    list: async () => [],
    head: async () => undefined,
    get: async () => undefined,
    put: async (object) => {
      note(`start ${object.key}`);
      bodies.set(object.key, object.body);
      if (held(object.key) && !release(log)) {
        await new Promise<void>((resume) => {
          const timer = setTimeout(resume, 5000);
          waiting.push(() => {
            clearTimeout(timer);
            resume();
          });
        });
      }
      await Promise.resolve();
      note(`end ${object.key}`);
    },
    delete: async () => undefined,
  };
  return { store, log, bodies };
}

const isFingerprintedB = (key: string) => /^b\.[0-9a-f]{12}\.css$/.test(key);

describe('the order of writes', () => {
  const site = { 'a.css': 'a{}\n', 'b.css': 'b{}\n', 'index.html': '<!doctype html>\n' };

  it('copies an original once its own fingerprinted copy is written, without waiting for the other assets; HTML and the manifest after all of them', async () => {
    const dir = tempFolder(site);
    // b.<hash>.css is written only once a.css is: a.css's copy must not wait for it.
    const { store, log, bodies } = loggingStore(isFingerprintedB, (events) => events.includes('end a.css'));
    const result = await publishAssets({ store, dir, baseUrl: '/', release: 'r1' });
    const keyOf = (name: string) => result.manifest.assets[name]!.slice(1);
    const at = (event: string) => log.indexOf(event);
    expect(bodies.get('a.css')).toEqual({ copyOf: keyOf('a.css') });
    expect(at(`start a.css`)).toBeGreaterThan(at(`end ${keyOf('a.css')}`));
    // a.css's copy does not wait for b.<hash>.css, held until it ends …
    expect(at(`end a.css`)).toBeLessThan(at(`end ${keyOf('b.css')}`));
    // … but b.css's copy does.
    expect(at(`start b.css`)).toBeGreaterThan(at(`end ${keyOf('b.css')}`));
    const lastOfFirstWave = Math.max(...['a.css', 'b.css', keyOf('a.css'), keyOf('b.css')].map((key) => at(`end ${key}`)));
    expect(at('start index.html')).toBeGreaterThan(lastOfFirstWave);
    expect(at('start .switchyard/manifests/r1.json')).toBeGreaterThan(at('end index.html'));
  });

  it('puts an original below the store\'s copyMinSize from its own file, beside its fingerprinted copy', async () => {
    const dir = tempFolder(site);
    // b.<hash>.css is written only once b.css has started: b.css must not wait for it.
    const { store, log, bodies } = loggingStore(isFingerprintedB, (events) => events.includes('start b.css'), 1024);
    const result = await publishAssets({ store, dir, baseUrl: '/', release: 'r1' });
    expect(bodies.get('b.css')).toEqual({ path: `${dir}/b.css` });
    expect(log.indexOf('start b.css')).toBeLessThan(log.indexOf(`end ${result.manifest.assets['b.css']!.slice(1)}`));
  });
});
