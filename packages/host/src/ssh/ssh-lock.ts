import { hostname, userInfo } from 'node:os';
import { HostFileError, LockedError, SshError } from '../errors';
import { describeHolder, type HeldLock, type LockHolder, type LockOptions, type LockRequest, parseHolder } from '../lock';
import { remoteCommand } from './remote-command';
import type { SshConnection } from './ssh-connection';

/** How often the deploying machine says it is still there, and how long the server waits for it. */
const BEAT_MS = 5_000;
const LOCK_SILENCE_SEC = 20;

/**
 * Runs on the server for as long as the lock is held: flock on the lock file, the holder's line
 * written into it, then one "beat" line from the command every few seconds. It ends — and the
 * lock with it — when the beats stop: the command released it, died, or its network dropped. The
 * last case is why a beat is needed at all: sshd notices a vanished client only after its
 * ClientAlive settings (off by default), and until then a session, and its lock, would live on.
 */
const HOLD = [
  'exec 9<>"$1" || exit 4',
  'if [ "$2" = now ]; then flock -x -n 9; else flock -x -w "$2" 9; fi || { echo busy; cat -- "$1"; exit 1; }',
  'IFS= read -r holder',
  'printf "%s\\n" "$holder" > "$1"',
  'echo locked',
  `while beat=$(timeout ${LOCK_SILENCE_SEC} head -n 1) && [ "$beat" = beat ]; do :; done`,
  ': > "$1"',
].join('\n');

export function sshLock(ssh: SshConnection) {
  return (path: string, request: LockRequest, options: LockOptions = {}): Promise<HeldLock> => {
    const wait = options.waitMs === undefined ? 'now' : String(Math.max(options.waitMs, 1) / 1000);
    const child = ssh.session(remoteCommand({ argv: ['sh', '-c', HOLD, 'sh', path, wait] }));
    const holder: LockHolder = { ...request, pid: process.pid, user: userInfo().username, machine: hostname(), startedAt: new Date().toISOString() };
    child.stdin?.write(`${JSON.stringify(holder)}\n`);
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        stdout += chunk.toString();
        if (!stdout.startsWith('locked\n')) return;
        child.stdout?.off('data', onData);
        let held = true;
        const beats = setInterval(() => child.stdin?.write('beat\n'), BEAT_MS);
        // The beats alone must not keep a finished command alive.
        beats.unref();
        resolve({
          path,
          holder,
          release: () => {
            if (!held) return;
            held = false;
            clearInterval(beats);
            child.stdin?.end();
          },
        });
      };
      child.stdout?.on('data', onData);
      child.on('error', (error) => reject(new SshError(`${ssh.target.destination}: could not start ssh for the lock: ${error.message}`)));
      child.on('close', (code) => {
        if (stdout.startsWith('locked\n')) return;
        if (stdout.startsWith('busy\n')) {
          const gone = ` (a command that died or lost its network lets go within ${LOCK_SILENCE_SEC} s)`;
          reject(new LockedError(`${ssh.target.destination}: ${describeHolder(path, parseHolder(stdout.slice(5)), options.waitMs)}${gone}`));
          return;
        }
        if (code === 4) reject(new HostFileError('open the lock', path, undefined, stderr.trim().split('\n').at(-1) ?? 'failed'));
        else reject(new SshError(`${ssh.target.destination}: could not take ${path}: ${stderr.trim() || `exit ${code}`}`));
      });
    });
  };
}
