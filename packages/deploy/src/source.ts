import { isAbsolute, resolve } from 'node:path';
import { type Config, UsageError } from '@switchyard/config';
import { commitBytes, describeSourceTree, fetchGitSource, isDirectory, type SourceTree, treeBytes } from '@switchyard/host';
import type { ShipSource } from './actions';

/** The code a release is made from, on the deploying machine. */
export interface ReleaseSource extends SourceTree {
  /** For messages: the directory, or the repository and ref. */
  dir: string;
  ship: ShipSource;
}

/**
 * --source DIR when given; else config.source: a directory (relative to the project root), or a
 * ref of a git repository, fetched into a cache here and shipped as that commit exactly.
 */
export function resolveSource(config: Config, override: string | undefined): ReleaseSource {
  if (config.source.type === 'git' && override === undefined) {
    const { repository, ref } = config.source;
    const fetched = fetchGitSource(repository, ref, config.build.lockfile);
    return { ...fetched, dir: `${repository} ${ref}`, ship: { type: 'git', mirror: fetched.mirror, commit: fetched.sha, bytes: commitBytes(fetched.mirror, fetched.sha) } };
  }
  const configured = override ?? (config.source.type === 'path' ? config.source.path : '.');
  const dir = isAbsolute(configured) ? configured : resolve(override ? process.cwd() : config.paths.projectRoot, configured);
  if (!isDirectory(dir)) throw new UsageError(`${override ? '--source' : `${config.paths.configFile}: source.path`}: ${dir} is not a directory`);
  return { dir, ...describeSourceTree(dir, config.build.lockfile), ship: { type: 'path', dir, bytes: treeBytes(dir) } };
}

const SHOWN = 10;

/**
 * Whether the release ships uncommitted changes. Outside the local environment that is refused
 * unless asked for (--allow-dirty): a release must be code someone can find again.
 */
export function shipsUncommitted(config: Config, source: ReleaseSource, allowDirty: boolean): boolean {
  const files = source.uncommitted;
  if (files.length === 0) return false;
  if (allowDirty || config.environment === 'local') return true;
  const named = files.slice(0, SHOWN).join(', ') + (files.length > SHOWN ? ` and ${files.length - SHOWN} more` : '');
  throw new UsageError(
    `${source.dir} has ${files.length} uncommitted change(s): ${named}. Commit them, or deploy them anyway with --allow-dirty (the release id then ends in -dirty)`,
  );
}
