import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A temporary folder holding `files` (path → content), removed when the test finishes. */
export function tempFolder(files: Record<string, string | Uint8Array> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-assets-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** A small built site: a hashed bundle, an unhashed stylesheet, a page, a favicon and build leftovers that are not published. */
export const SITE = {
  'assets/main-DiwrgTda.js': 'console.log("hi")\n',
  'css/app.css': 'body { color: black }\n',
  'index.html': '<!doctype html><title>x</title>\n',
  'favicon.ico': new Uint8Array([0, 0, 1, 0]),
  '.vite/manifest.json': '{}',
  '.DS_Store': 'x',
};
