import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What a release is made from, read on the deploying machine (not the server). */
export interface SourceTree {
  /** The git commit, or a content hash where the directory is not in git. */
  sha: string;
  /** sha-256 of the lockfile, or null when there is none. */
  lockfileHash: string | null;
}

function gitSha(dir: string): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return undefined;
  }
}

/** Hash of every file's path and content (node_modules and .git left out): the same tree, the same id. */
function treeHash(dir: string): string {
  const hash = createHash('sha1');
  const walk = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      if (name === 'node_modules' || name === '.git') continue;
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(full.slice(dir.length)).update(readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

export function describeSourceTree(dir: string, lockfile: string | undefined): SourceTree {
  const lockfilePath = lockfile === undefined ? undefined : join(dir, lockfile);
  const lockfileHash = lockfilePath && existsSync(lockfilePath) ? createHash('sha256').update(readFileSync(lockfilePath)).digest('hex') : null;
  return { sha: gitSha(dir) ?? treeHash(dir), lockfileHash };
}
