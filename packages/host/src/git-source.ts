import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SourceTreeError } from './errors';
import type { SourceTree } from './source-tree';

/** A commit of a repository, fetched into a cache on the deploying machine. */
export interface GitSource extends SourceTree {
  /** The cache's bare mirror, from which `git archive` streams the commit. */
  mirror: string;
}

function git(args: string[], cwd?: string) {
  return spawnSync('git', cwd ? ['-C', cwd, ...args] : args, {
    encoding: 'buffer',
    stdio: ['ignore', 'pipe', 'pipe'],
    // Never a credential prompt: a CI job would hang on it.
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    timeout: 600_000,
  });
}

const reason = (result: ReturnType<typeof git>) => result.stderr.toString().trim().split('\n').slice(-3).join(' ') || `exit ${result.status}`;

/** Where mirrors live: $XDG_CACHE_HOME/switchyard/git, else ~/.cache/switchyard/git. */
export function gitCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'switchyard', 'git');
}

/**
 * Brings the mirror of `repository` up to date (cloned the first time, fetched after) and names
 * the commit `ref` is now. The release is that commit exactly, whatever the working tree holds.
 */
export function fetchGitSource(repository: string, ref: string, lockfile: string | undefined, cacheDir = gitCacheDir()): GitSource {
  const mirror = join(cacheDir, `${createHash('sha256').update(repository).digest('hex').slice(0, 16)}.git`);
  mkdirSync(cacheDir, { recursive: true });
  const cloned = git(['rev-parse', '--git-dir'], mirror).status === 0;
  const updated = cloned ? git(['remote', 'update', '--prune'], mirror) : git(['clone', '--mirror', '--quiet', '--', repository, mirror]);
  if (updated.status !== 0) throw new SourceTreeError(`source.repository ${repository}: git could not ${cloned ? 'fetch' : 'clone'} it: ${reason(updated)}`);
  const commit = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], mirror);
  if (commit.status !== 0) throw new SourceTreeError(`source.ref "${ref}" is not a branch, tag or commit of ${repository}`);
  const sha = commit.stdout.toString().trim();
  const locked = lockfile === undefined ? undefined : git(['show', `${sha}:${lockfile}`], mirror);
  const lockfileHash = locked && locked.status === 0 ? createHash('sha256').update(locked.stdout).digest('hex') : null;
  return { mirror, sha, lockfileHash, uncommitted: [] };
}
