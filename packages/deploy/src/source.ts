import { isAbsolute, resolve } from 'node:path';
import { type Config, UsageError } from '@switchyard/config';
import { describeSourceTree, isDirectory, type SourceTree } from '@switchyard/host';

/** The code a release is made from, on the deploying machine. */
export interface ReleaseSource extends SourceTree {
  dir: string;
}

/** The source directory: --source when given, else config.source (relative to the project root). */
export function resolveSource(config: Config, override: string | undefined): ReleaseSource {
  if (config.source.type === 'git' && override === undefined)
    throw new UsageError(`${config.paths.configFile}: source.type: "git" sources are not supported by this version yet; use "path"`);
  const configured = override ?? (config.source.type === 'path' ? config.source.path : '.');
  const dir = isAbsolute(configured) ? configured : resolve(override ? process.cwd() : config.paths.projectRoot, configured);
  if (!isDirectory(dir)) throw new UsageError(`${override ? '--source' : `${config.paths.configFile}: source.path`}: ${dir} is not a directory`);
  return { dir, ...describeSourceTree(dir, config.build.lockfile) };
}
