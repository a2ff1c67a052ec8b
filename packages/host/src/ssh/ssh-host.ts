import type { Host, RunOptions, RunResult } from '../host';
import { httpGet, type ProbeTarget } from '../http-probe';
import { rsyncArgs } from '../local-host';
import { CommandError } from '../errors';
import { runCommand } from '../run';
import { remoteCommand, remoteStdin } from './remote-command';
import { openSsh, type SshConnection } from './ssh-connection';
import type { SshTarget } from './ssh-failure';
import { remoteFiles } from './ssh-files';
import { sshLock } from './ssh-lock';

export type { SshTarget } from './ssh-failure';

/** Where a probe's forward leads on the server: a unix socket path, or host:port. */
function forwardTarget(target: ProbeTarget): string {
  return 'socketPath' in target ? target.socketPath : `${target.address.includes(':') ? `[${target.address}]` : target.address}:${target.port}`;
}

/**
 * A server reached over SSH, behind the same interface as this machine. Every command rides one
 * master connection; probes reach the server's sockets through forwards on it, so the code that
 * polls a health path is the same here and locally.
 */
export async function sshHost(target: SshTarget): Promise<Host & { readonly ssh: SshConnection }> {
  const ssh = await openSsh(target);

  async function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    if (argv.length === 0) throw new TypeError('run: empty argv');
    const spec = { argv, ...options };
    const result = await ssh.exec(remoteCommand(spec), { input: remoteStdin(spec, options.input), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    if (!result.ok && !options.nothrow) throw new CommandError(argv, result.exitCode, result.stderr);
    return result;
  }

  return {
    name: target.destination,
    ssh,
    run,
    ...remoteFiles(run),
    lock: sshLock(ssh),
    async httpGet(probe, path, options) {
      let local: string;
      try {
        local = await ssh.forward(forwardTarget(probe));
      } catch (error) {
        return { reached: false, error: (error as Error).message };
      }
      return httpGet({ socketPath: local }, path, options);
    },
    async upload(localDir, dir, options) {
      await runCommand(['rsync', '-e', ssh.rsyncShell(), ...rsyncArgs(localDir, options), ssh.rsyncDestination(`${dir}/`)]);
    },
    close: ssh.close,
  };
}
