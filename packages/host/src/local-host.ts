import type { Host, UploadOptions } from './host';
import { httpGet } from './http-probe';
import { acquireLock } from './lock';
import * as files from './local-files';
import { pipeCommands, spawnConsumer } from './pipe';
import { runCommand } from './run';
import { streamLocal } from './stream';
import { COMMAND_TIMEOUT_MS } from './command-timeouts';

/** rsync's arguments for an upload, the destination apart: the same locally and over SSH. */
export function rsyncArgs(localDir: string, options: UploadOptions = {}): string[] {
  return [
    '-a',
    ...(options.exclude ?? []).flatMap((name) => ['--exclude', name]),
    // With a basis, files are compared by content: size and time alone would take an edited file
    // of the same length, written in the same second, for the old one.
    ...(options.basis ? ['--checksum', `--copy-dest=${options.basis}`] : []),
    `${localDir.replace(/\/+$/, '')}/`,
  ];
}

/** This machine: commands through zx, files through node:fs. */
export function localHost(): Host {
  return {
    name: 'local',
    run: runCommand,
    stream: streamLocal,
    ...files,
    lock: acquireLock,
    httpGet,
    tunnel: async () => undefined,
    async upload(localDir, dir, options) {
      await runCommand(['rsync', ...rsyncArgs(localDir, options), `${dir}/`], { timeoutMs: COMMAND_TIMEOUT_MS.tree });
    },
    async download(dir, localDir) {
      await runCommand(['rsync', '-a', `${dir.replace(/\/+$/, '')}/`, `${localDir}/`], { timeoutMs: COMMAND_TIMEOUT_MS.tree });
    },
    async unpack(producer, dir) {
      const tar = ['tar', '-x', '-f', '-', '-C', dir];
      await pipeCommands(producer, spawnConsumer(tar), tar, COMMAND_TIMEOUT_MS.tree);
    },
    close() {},
  };
}
