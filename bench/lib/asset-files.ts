import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fingerprintPath, isFingerprinted } from '@switchyard/assets';

export interface AssetFolderPlan {
  files: number;
  /** How many of them are 9 MiB: over aws-cli's 8 MiB multipart threshold, under Switchyard's 16 MiB and rclone's 200 MiB. */
  large: number;
}

export interface AssetFolder {
  dir: string;
  /** Paths relative to dir. */
  paths: string[];
  bytes: number;
}

const LARGE = 9 * 1024 * 1024;
const KINDS = ['js', 'css', 'svg', 'png', 'woff2', 'json'] as const;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A built site's sizes, roughly: most files small (1–50 KB), one in twenty 100 KB–1 MB (images,
 * vendor bundles). Sizes come from a fixed sequence, so every run sees the same folder shape.
 */
function sizeOf(i: number): number {
  const spread = (i * 7919) % 1000;
  return i % 20 === 19 ? 100_000 + spread * 900 : 1_000 + spread * 49;
}

/** Half the names carry a content hash as a bundler writes them (kept by Switchyard), half are plain (fingerprinted by it). */
function nameOf(i: number, bytes: Uint8Array): string {
  const plain = `d${i % 10}/file-${i}.${i % 50 === 0 ? 'html' : KINDS[i % KINDS.length]}`;
  if (i % 2 === 0 || plain.endsWith('.html')) return plain;
  const hashed = fingerprintPath(plain, sha256(bytes));
  // An all-digit hash would not read as one (see fingerprint.ts): the file is then plain.
  return isFingerprinted(hashed) ? hashed : plain;
}

/** Writes the folder; random bytes, so nothing compresses or deduplicates. */
export function writeAssetFolder(dir: string, plan: AssetFolderPlan): AssetFolder {
  const paths: string[] = [];
  let bytes = 0;
  for (let i = 0; i < plan.files; i++) {
    const content = randomBytes(i < plan.large ? LARGE : sizeOf(i));
    const path = nameOf(i, content);
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
    paths.push(path);
    bytes += content.byteLength;
  }
  return { dir, paths, bytes };
}

/**
 * A new build with `count` small files changed: plain files edited in place, hashed ones rebuilt
 * under a new hash (the old name gone, as a bundler leaves it). Each changed file also changes
 * size, so no tool can miss it. Returns the undo, so the next run starts from the same folder.
 */
export function changeFiles(folder: AssetFolder, count: number): () => void {
  const undo: (() => void)[] = [];
  const picked = folder.paths.filter((path) => !path.endsWith('.html')).slice(-count);
  for (const path of picked) {
    const old = readFileSync(join(folder.dir, path));
    const content = Buffer.concat([old, randomBytes(100)]);
    const renamed = isFingerprinted(path) ? fingerprintPath(path.replace(/\.[0-9a-f]{12}\./, '.'), sha256(content)) : path;
    if (renamed !== path) rmSync(join(folder.dir, path));
    writeFileSync(join(folder.dir, renamed), content);
    undo.push(() => {
      rmSync(join(folder.dir, renamed));
      writeFileSync(join(folder.dir, path), old);
    });
  }
  return () => undo.forEach((step) => step());
}
