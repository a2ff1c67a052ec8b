#!/usr/bin/env node
// Makes a copy of the catalog app as a given version, for the demo and the tests:
//   node make-release.mjs <version> <destDir> [--broken] [--force]
// --broken: the release's /health answers 500 "broken" (a BROKEN marker file), so the deploy's
//           health gate refuses it.
// --force:  replace destDir if it exists and is not empty.
// Only a VERSION file, BROKEN and public/app.css differ between releases: package.json and
// package-lock.json stay the same, so a deploy can reuse the previous release's install.
import { appendFile, cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const appDir = dirname(fileURLToPath(import.meta.url));

/** What a release holds: the app without its tests. */
export const RELEASE_FILES = ['package.json', 'package-lock.json', 'server.js', 'worker.js', 'lib', 'public', 'db'];

const VERSION = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;

export class UsageError extends Error {}

/**
 * @param {{ version: string, destDir: string, broken?: boolean, force?: boolean }} options
 * @returns {Promise<string>} the absolute path of the release
 */
export async function makeRelease({ version, destDir, broken = false, force = false }) {
  if (!VERSION.test(version)) throw new UsageError(`version: expected x.y.z, got ${JSON.stringify(version)}`);
  const dest = resolve(destDir);
  if (dest === appDir || appDir.startsWith(`${dest}/`) || dest.startsWith(`${appDir}/`))
    throw new UsageError(`destDir ${dest} must be outside the app folder ${appDir}`);
  const existing = await readdir(dest).catch((error) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (existing.length > 0) {
    if (!force) throw new UsageError(`destDir ${dest} is not empty (use --force to replace it)`);
    await rm(dest, { recursive: true, force: true });
  }
  await mkdir(dest, { recursive: true });
  for (const name of RELEASE_FILES) await cp(join(appDir, name), join(dest, name), { recursive: true });
  await writeFile(join(dest, 'VERSION'), `${version}\n`);
  // Each version's stylesheet differs, as a real release's would: its published name (fingerprint) does too.
  await appendFile(join(dest, 'public', 'app.css'), `footer::after { content: " · styles ${version}"; }\n`);
  if (broken) await writeFile(join(dest, 'BROKEN'), 'this release fails its health check on purpose\n');
  return dest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const positional = args.filter((a) => !a.startsWith('--'));
  const unknown = [...flags].filter((f) => f !== '--broken' && f !== '--force');
  const [version, destDir] = positional;
  if (unknown.length > 0 || positional.length !== 2 || !version || !destDir) {
    console.error('usage: node make-release.mjs <version> <destDir> [--broken] [--force]');
    if (unknown.length > 0) console.error(`unknown option: ${unknown.join(' ')}`);
    process.exit(2);
  }
  try {
    const dest = await makeRelease({ version, destDir, broken: flags.has('--broken'), force: flags.has('--force') });
    console.log(`catalog-app ${version}${flags.has('--broken') ? ' (broken)' : ''} → ${dest}`);
  } catch (error) {
    console.error(`make-release: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}
