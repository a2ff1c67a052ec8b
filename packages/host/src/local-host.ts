import type { Host, UploadOptions } from './host';
import { httpGet } from './http-probe';
import { acquireLock } from './lock';
import * as files from './local-files';
import { runCommand } from './run';

/** rsync's arguments for an upload, the destination apart: the same locally and over SSH. */
export function rsyncArgs(localDir: string, options: UploadOptions = {}): string[] {
  return [
    '-a',
    ...(options.exclude ?? []).flatMap((name) => ['--exclude', name]),
    ...(options.basis ? [`--copy-dest=${options.basis}`] : []),
    `${localDir.replace(/\/+$/, '')}/`,
  ];
}

/** This machine: commands through zx, files through node:fs. */
export function localHost(): Host {
  return {
    name: 'local',
    run: runCommand,
    ...files,
    lock: acquireLock,
    httpGet,
    async upload(localDir, dir, options) {
      await runCommand(['rsync', ...rsyncArgs(localDir, options), `${dir}/`]);
    },
    close() {},
  };
}
