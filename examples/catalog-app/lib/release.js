import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which release this directory holds: the version comes from a VERSION file written by
 * make-release.mjs, else from package.json (so package.json and package-lock.json stay the same
 * across releases and the deploy can reuse the previous install). A BROKEN marker file makes
 * /health fail, to show the health gate refusing a bad release.
 *
 * @param {string} appDir
 */
export function readRelease(appDir) {
  let version;
  const versionFile = join(appDir, 'VERSION');
  if (existsSync(versionFile)) version = readFileSync(versionFile, 'utf8').trim();
  if (!version) version = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')).version;
  return { version: String(version), broken: existsSync(join(appDir, 'BROKEN')) };
}
