import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { DesiredObject } from './objects';

export type Encoding = 'gzip' | 'br';

/** The names nginx's gzip_static and brotli_static look for beside a file. */
export const ENCODING_SUFFIX: Readonly<Record<Encoding, string>> = { gzip: '.gz', br: '.br' };

/** Text formats shrink; images, fonts and archives are compressed already. */
const COMPRESSIBLE = /^(text\/|image\/svg\+xml|application\/(javascript|json|xml|wasm|manifest\+json|ld\+json))/;
/** Below this, the headers outweigh what compression saves. */
const MIN_BYTES = 256;

const compress: Record<Encoding, (bytes: Buffer) => Buffer> = {
  gzip: (bytes) => gzipSync(bytes, { level: 9 }),
  br: (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
};

/** Where an object's bytes are in the folder: its file, or (an original, copied in the store) the file of its own name. */
const fileOf = (object: DesiredObject) => ('file' in object.source ? object.source.file : 'copyOf' in object.source ? object.key : undefined);

/**
 * Compressed twins of the objects worth compressing (`app.3f9a1c2e0b4d.css.gz` beside
 * `app.3f9a1c2e0b4d.css`), for a server that sends them to clients that accept them (nginx's
 * gzip_static, brotli_static) — compressed once, at the strongest level, instead of on every
 * request. Each twin goes in its object's phase with its Cache-Control; it is compared by sha256
 * rather than held immutable, since another zlib may compress the same bytes differently. A twin
 * that would not be smaller, or whose name the folder already has (a bundler's own), is left out.
 */
export async function precompressed(objects: readonly DesiredObject[], dir: string, encodings: readonly Encoding[]): Promise<DesiredObject[]> {
  const keys = new Set(objects.map((object) => object.key));
  const byContent = new Map<string, Buffer>();
  const twins: DesiredObject[] = [];
  for (const object of objects) {
    const file = fileOf(object);
    if (file === undefined || object.size < MIN_BYTES || !COMPRESSIBLE.test(object.contentType)) continue;
    for (const encoding of encodings) {
      const key = object.key + ENCODING_SUFFIX[encoding];
      if (keys.has(key)) continue;
      const contentKey = `${object.sha256} ${encoding}`;
      let bytes = byContent.get(contentKey);
      if (!bytes) {
        bytes = compress[encoding](await readFile(join(dir, file)));
        byContent.set(contentKey, bytes);
      }
      if (bytes.length >= object.size) continue;
      twins.push({
        key,
        source: { bytes },
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        md5: createHash('md5').update(bytes).digest('hex'),
        contentType: object.contentType,
        cacheControl: object.cacheControl,
        immutable: false,
        phase: object.phase,
      });
    }
  }
  return twins;
}
