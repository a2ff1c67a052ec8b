import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMAND_TIMEOUT_MS } from '../command-timeouts';
import { CommandTimeoutError, SshError } from '../errors';
import { runCommand } from '../run';
import { shellQuote } from './remote-command';
import { describeTarget, sshFailure, type SshTarget } from './ssh-failure';

/** After the last session ends, the master waits this long before closing: a crashed command's master does not linger. */
const PERSIST = '30s';

export interface SshConnection {
  readonly target: SshTarget;
  /**
   * A long-lived session (its stdin a pipe) for what must last as long as this command: the lock.
   * detached: the client gets a process group of its own, so a Ctrl-C in the terminal does not
   * reach it; the caller ends the session itself, in order.
   */
  session(command: string, options?: { detached?: boolean }): ChildProcess;
  /**
   * A local socket that leads to `remote` (a unix socket path, or host:port) on the server; named
   * `name` in a directory of its own when given (a PostgreSQL client finds `.s.PGSQL.<port>` in a directory).
   */
  forward(remote: string, name?: string): Promise<string>;
  /** The `-e` value for rsync, so that it rides the same master connection. */
  rsyncShell(): string;
  /** rsync's destination for a remote path. */
  rsyncDestination(path: string): string;
  /** Ends the master connection and its forwards; idempotent. */
  close(): void;
}

function baseArgs(target: SshTarget, controlPath: string): string[] {
  const args = [
    ...(target.configFile ? ['-F', target.configFile] : []),
    // Never a password or passphrase prompt: a CI job or a script would hang on it.
    '-o', 'BatchMode=yes',
    // On the command line, so it outranks any "StrictHostKeyChecking no" in the user's config.
    '-o', `StrictHostKeyChecking=${target.trustNewHostKey ? 'accept-new' : 'yes'}`,
    '-o', `ConnectTimeout=${target.connectTimeoutSec}`,
    // A link that dies mid-command is noticed within about 15 s, not at TCP's hours.
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=3',
    '-o', `ControlPath=${controlPath}`,
    ...(target.user ? ['-l', target.user] : []),
    ...(target.port ? ['-p', String(target.port)] : []),
    ...(target.identityFile ? ['-i', target.identityFile, '-o', 'IdentitiesOnly=yes'] : []),
    ...(target.jumpHost ? ['-J', target.jumpHost] : []),
  ];
  return args;
}

/**
 * Opens one master connection (ControlMaster) to the server: every command, rsync, forward and the
 * lock of this command then rides it, so a deploy pays for one SSH handshake per host. The control
 * socket lives in a private directory (0700) that close() removes.
 */
export async function openSsh(target: SshTarget): Promise<SshConnection> {
  // Short: a unix socket path is limited to 107 bytes, and ssh appends to it for its temp names.
  const controlDir = mkdtempSync(join(tmpdir(), 'sy-ssh-'));
  const controlPath = join(controlDir, 'c');
  const base = baseArgs(target, controlPath);
  const forwards = new Map<string, string>();
  let closed = false;

  // ConnectTimeout bounds the TCP connection; the handshake and login after it get 20 s more.
  const masterTimeoutMs = (target.connectTimeoutSec + 20) * 1000;
  const master = await runCommand(['ssh', ...base, '-o', 'ControlMaster=yes', '-o', `ControlPersist=${PERSIST}`, '-f', '-N', target.destination], {
    nothrow: true,
    input: '',
    timeoutMs: masterTimeoutMs,
  }).catch((error: unknown) => {
    rmSync(controlDir, { recursive: true, force: true });
    if (error instanceof CommandTimeoutError) throw new SshError(`${target.destination}: ssh ${describeTarget(target)} did not connect and log in within ${masterTimeoutMs / 1000} s`);
    throw error;
  });
  if (!master.ok) {
    rmSync(controlDir, { recursive: true, force: true });
    throw sshFailure(target, master.stderr) ?? new SshError(`${target.destination}: ssh ${describeTarget(target)} failed: ${master.stderr.trim() || `exit ${master.exitCode}`}`);
  }

  const close = () => {
    if (closed) return;
    closed = true;
    process.off('exit', close);
    spawnSync('ssh', [...base, '-O', 'exit', target.destination], { stdio: 'ignore', timeout: 5_000 });
    rmSync(controlDir, { recursive: true, force: true });
  };
  // Ctrl-C and errors end the process through exit: the master goes with it, not 30 s later.
  process.on('exit', close);

  const client = (extra: string[], command: string) => ['ssh', ...base, '-o', 'ControlMaster=no', ...extra, target.destination, command];

  return {
    target,

    session(command, { detached = false } = {}) {
      const [ssh, ...args] = client([], command);
      return spawn(ssh!, args, { stdio: ['pipe', 'pipe', 'pipe'], detached });
    },

    async forward(remote, name) {
      const key = `${remote} ${name ?? ''}`;
      const known = forwards.get(key);
      if (known) return known;
      let local = join(controlDir, `f${forwards.size}`);
      if (name !== undefined) {
        mkdirSync(local, { mode: 0o700 });
        local = join(local, name);
      }
      const added = await runCommand(['ssh', ...base, '-O', 'forward', '-L', `${local}:${remote}`, target.destination], {
        nothrow: true,
        input: '',
        timeoutMs: COMMAND_TIMEOUT_MS.sshControl,
      });
      if (!added.ok)
        throw new SshError(`${target.destination}: SSH would not forward to ${remote} (${added.stderr.trim()}); the server's sshd must allow forwarding (AllowStreamLocalForwarding, AllowTcpForwarding)`);
      forwards.set(key, local);
      return local;
    },

    rsyncShell() {
      return ['ssh', ...base, '-o', 'ControlMaster=no'].map(shellQuote).join(' ');
    },

    rsyncDestination(path) {
      return `${target.destination.includes(':') ? `[${target.destination}]` : target.destination}:${path}`;
    },

    close,
  };
}
