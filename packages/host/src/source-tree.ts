import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SourceTreeError } from './errors';

/** What a release is made from, read on the deploying machine (not the server). */
export interface SourceTree {
  /** The git commit, or a content hash where the directory is not in git. */
  sha: string;
  /** sha-256 of the lockfile, or null when there is none. */
  lockfileHash: string | null;
  /** Files under the directory that differ from that commit (changed, added, untracked), as git names them; [] outside git. */
  uncommitted: string[];
}

function git(dir: string, args: string[]) {
  return spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * HEAD of the repository holding dir, or undefined when dir is not in one (or git is missing).
 * Any other refusal — git's "dubious ownership", a broken repository — is an error: a content hash
 * in its place would name a release after code nobody can find.
 */
function gitHead(dir: string): string | undefined {
  const head = git(dir, ['rev-parse', 'HEAD']);
  if (head.error) return undefined;
  if (head.status === 0) return head.stdout.trim();
  if (/not a git repository/i.test(head.stderr)) return undefined;
  throw new SourceTreeError(`${dir}: git cannot read the commit: ${head.stderr.trim().split('\n').slice(0, 3).join(' ')}`);
}

/** Paths (from the repository's root) that `git status` reports under dir, untracked files included. */
function uncommittedFiles(dir: string): string[] {
  const status = git(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--', '.']);
  if (status.status !== 0) throw new SourceTreeError(`${dir}: git status failed: ${status.stderr.trim()}`);
  return status.stdout
    .split('\0')
    .filter(Boolean)
    .map((entry) => entry.slice(3));
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

/** A file's share of a disk: whole blocks, as it will take on the server. */
const onDisk = (bytes: number) => Math.ceil(bytes / 4096) * 4096 + 4096;

/** About the space a copy of dir takes on the server (node_modules and .git left out, as they are not shipped). */
export function treeBytes(dir: string): number {
  let total = 0;
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) total += onDisk(statSync(full).size);
    }
  };
  walk(dir);
  return total;
}

/** About the space commit's tree takes once unpacked on the server. */
export function commitBytes(repository: string, commit: string): number {
  const listed = git(repository, ['ls-tree', '-r', '-l', '-z', commit]);
  if (listed.status !== 0) throw new SourceTreeError(`${repository}: git cannot list ${commit}: ${listed.stderr.trim()}`);
  // "<mode> blob <sha> <size>\t<path>": a size of "-" is a submodule, which archive leaves out.
  return listed.stdout
    .split('\0')
    .map((entry) => Number(/^\S+ blob \S+ +(\d+)\t/.exec(entry)?.[1] ?? Number.NaN))
    .filter((size) => Number.isFinite(size))
    .reduce((sum, size) => sum + onDisk(size), 0);
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

export function describeSourceTree(dir: string, lockfile: string | undefined): SourceTree {
  const lockfilePath = lockfile === undefined ? undefined : join(dir, lockfile);
  const lockfileHash = lockfilePath && existsSync(lockfilePath) ? createHash('sha256').update(readFileSync(lockfilePath)).digest('hex') : null;
  const head = gitHead(dir);
  if (head === undefined) return { sha: treeHash(dir), lockfileHash, uncommitted: [] };
  return { sha: head, lockfileHash, uncommitted: uncommittedFiles(dir) };
}
