import type { Host, RunOptions, RunResult, StreamOptions } from '../host';
import { httpGet, type ProbeTarget } from '../http-probe';
import { rsyncArgs } from '../local-host';
import { COMMAND_TIMEOUT_MS } from '../command-timeouts';
import { CommandError, CommandTimeoutError } from '../errors';
import { pipeCommands } from '../pipe';
import { runCommand } from '../run';
import { streamLines } from '../stream';
import { remoteCommand, remoteStdin, timedOut } from './remote-command';
import { openSsh, type SshConnection } from './ssh-connection';
import { remoteShell } from './remote-shell';
import type { SshTarget } from './ssh-failure';
import { remoteFiles } from './ssh-files';
import { sshLock } from './ssh-lock';

export type { SshTarget } from './ssh-failure';

/** Where a probe's forward leads on the server: a unix socket path, or host:port. */
function forwardTarget(target: ProbeTarget): string {
  return 'socketPath' in target ? target.socketPath : `${target.address.includes(':') ? `[${target.address}]` : target.address}:${target.port}`;
}

/**
 * Runs "$@" until it ends or this session's stdin closes, whichever comes first. sshd sends no signal
 * to a command without a terminal when its client goes away: a `tail -F` would live on until its next
 * write failed. Background jobs of sh read /dev/null, so the watcher gets the session's stdin as fd 3;
 * its output goes nowhere, so that the channel closes as soon as the command is done.
 */
const UNTIL_STDIN_CLOSES = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- & cmd=$!',
  '{ cat <&3 3<&-; kill "$cmd" 2>/dev/null; } >/dev/null 2>&1 &',
  'exec 3<&-',
  'wait "$cmd"',
].join('\n');

/** How long a session gets to end by itself once its stdin is closed, before its ssh client is killed. */
const STOP_GRACE_MS = 5_000;

/**
 * A server reached over SSH, behind the same interface as this machine. Every command rides one
 * master connection; probes reach the server's sockets through forwards on it, so the code that
 * polls a health path is the same here and locally.
 */
export async function sshHost(target: SshTarget, name = target.destination): Promise<Host & { readonly ssh: SshConnection }> {
  const ssh = await openSsh(target);
  const shell = remoteShell(ssh);

  async function run(argv: readonly string[], options: RunOptions): Promise<RunResult> {
    if (argv.length === 0) throw new TypeError('run: empty argv');
    const spec = { argv, ...options };
    const result = await shell.exec(remoteCommand(spec), remoteStdin(spec, options.input), options.timeoutMs);
    if (timedOut(result)) throw new CommandTimeoutError(argv, options.timeoutMs);
    if (!result.ok && !options.nothrow) throw new CommandError(argv, result.exitCode, result.stderr);
    return result;
  }

  function stream(argv: readonly string[], onLine: (line: string) => void, options: StreamOptions = {}): Promise<RunResult> {
    if (argv.length === 0) throw new TypeError('stream: empty argv');
    const spec = { argv: ['sh', '-c', UNTIL_STDIN_CLOSES, 'sh', ...argv], cwd: options.cwd, env: options.env, inheritEnv: options.inheritEnv };
    // Detached: a Ctrl-C makes ssh exit 255, as a lost connection does; only `stop` ends this session.
    const child = ssh.session(remoteCommand(spec), { detached: true });
    // The variables' block comes first on stdin; the stream stays open after it, the watcher's end.
    const variables = remoteStdin(spec, undefined);
    if (variables !== undefined) child.stdin?.write(variables);
    // EOF on stdin ends the command on the server, then the session: by the time the result is in,
    // nothing of it runs there. (If this process dies, its end of the pipe closes just the same.)
    // A link that no longer answers cannot carry the EOF: the client is then killed.
    const stop = () => {
      child.stdin?.end();
      setTimeout(() => child.kill(), STOP_GRACE_MS).unref();
    };
    return streamLines({ child, argv, stop }, onLine, options.signal);
  }

  return {
    name,
    ssh,
    run,
    stream,
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
    tunnel: (address, port, name) => ssh.forward(`${address.includes(':') ? `[${address}]` : address}:${port}`, name),
    async upload(localDir, dir, options) {
      await runCommand(['rsync', '-e', ssh.rsyncShell(), ...rsyncArgs(localDir, options), ssh.rsyncDestination(`${dir}/`)], { timeoutMs: COMMAND_TIMEOUT_MS.tree });
    },
    async download(dir, localDir) {
      await runCommand(['rsync', '-a', '-e', ssh.rsyncShell(), ssh.rsyncDestination(`${dir.replace(/\/+$/, '')}/`), `${localDir}/`], { timeoutMs: COMMAND_TIMEOUT_MS.tree });
    },
    async unpack(producer, dir) {
      const tar = ['tar', '-x', '-f', '-', '-C', dir];
      await pipeCommands(producer, ssh.session(remoteCommand({ argv: tar })), tar, COMMAND_TIMEOUT_MS.tree);
    },
    close() {
      shell.close();
      ssh.close();
    },
  };
}
