import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every entry under root as "path type mode detail" (a file's sha1, a link's target), sorted.
 * Files matching `volatile` are listed without their content (logs that the running app and nginx
 * append to while the test looks). A missing root gives [].
 */
export function snapshot(root: string, volatile: RegExp = /\.log$/): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(path, name);
      const rel = relative(root, full);
      const stat = lstatSync(full);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) out.push(`${rel} link ${readlinkSync(full)}`);
      else if (stat.isDirectory()) {
        out.push(`${rel}/ dir ${mode}`);
        // Releases are large and never edited: their names are enough.
        if (!/(^|\/)releases\/[^/]+$/.test(rel) && name !== 'node_modules') walk(full);
      } else if (stat.isFile())
        out.push(`${rel} file ${mode} ${volatile.test(rel) ? '(volatile)' : createHash('sha1').update(readFileSync(full)).digest('hex')}`);
      else out.push(`${rel} ${stat.isSocket() ? 'socket' : 'other'} ${mode}`);
    }
  };
  walk(root);
  return out.sort();
}
