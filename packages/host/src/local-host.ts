import type { Host } from './host';
import { acquireLock } from './lock';
import * as files from './local-files';
import { runCommand } from './run';

/** This machine: commands through zx, files through node:fs. */
export function localHost(): Host {
  return {
    name: 'local',
    run: runCommand,
    ...files,
    lock: acquireLock,
  };
}
