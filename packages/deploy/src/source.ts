import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { type Config, UsageError } from '@switchyard/config';

/** The code a release is made from, on the deploying machine. */
export interface ReleaseSource {
  dir: string;
  /** The git commit, or a content hash where the directory is not in git. */
  sha: string;
  lockfileHash: string | null;
}

function gitSha(dir: string): string | undefined {
  try {
    const out = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] });
    return out.toString().trim();
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

/** The source directory: --source when given, else config.source (relative to the project root). */
export function resolveSource(config: Config, override: string | undefined): ReleaseSource {
  if (config.source.type === 'git' && override === undefined)
    throw new UsageError(`${config.paths.configFile}: source.type: "git" sources are not supported by this version yet; use "path"`);
  const configured = override ?? (config.source.type === 'path' ? config.source.path : '.');
  const dir = isAbsolute(configured) ? configured : resolve(override ? process.cwd() : config.paths.projectRoot, configured);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`${override ? '--source' : `${config.paths.configFile}: source.path`}: ${dir} is not a directory`);
  const lockfile = join(dir, config.build.lockfile);
  const lockfileHash = existsSync(lockfile) ? createHash('sha256').update(readFileSync(lockfile)).digest('hex') : null;
  return { dir, sha: gitSha(dir) ?? treeHash(dir), lockfileHash };
}
