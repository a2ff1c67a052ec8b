import { SshError } from '../errors';

/** How the deploying machine reaches one server: what `ssh` needs beyond the user's own SSH config. */
export interface SshTarget {
  /** What `ssh` is given: a host name, an address, or an alias from the SSH config. */
  destination: string;
  user?: string;
  port?: number;
  /** An SSH config file to read instead of ~/.ssh/config (`ssh -F`). */
  configFile?: string;
  identityFile?: string;
  jumpHost?: string;
  connectTimeoutSec: number;
  /** Record the key of a server seen for the first time (--trust-new-host-key); a changed key still fails. */
  trustNewHostKey: boolean;
}

/** `ssh -p 2222 deploy@host`, as a person would type it to try the same connection. */
export function describeTarget(target: SshTarget): string {
  const who = target.user ? `${target.user}@${target.destination}` : target.destination;
  return `${target.port ? `-p ${target.port} ` : ''}${who}`;
}

const LAST_LINE = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('@') && !line.startsWith('Warning: Permanently added'))
    .at(-1) ?? '';

/**
 * ssh's own failure (exit 255) as one message that says what to do; undefined when stderr does not
 * look like ssh's, so that a remote command's own exit 255 stays the command's.
 */
export function sshFailure(target: SshTarget, stderr: string): SshError | undefined {
  const host = target.destination;
  const keyscan = `ssh-keyscan${target.port ? ` -p ${target.port}` : ''} ${host} >> ~/.ssh/known_hosts`;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/.test(stderr))
    return new SshError(
      `${host}: the server's SSH host key has CHANGED since it was recorded in known_hosts. This is what a man-in-the-middle attack looks like; ` +
        `if the server was really reinstalled, check its new key and replace the old line (ssh-keygen -R ${host}). Nothing was changed`,
      2,
    );
  if (/Host key verification failed|No .* host key is known for|host key is not known/.test(stderr))
    return new SshError(
      `${host}: the server's SSH host key is not known. Check it and record it (${keyscan}), or run this command once with --trust-new-host-key to record it. Nothing was changed`,
      2,
    );
  if (/Permission denied \(/.test(stderr))
    return new SshError(
      `${host}: the server refused the SSH login of ${target.user ?? 'the configured user'} (${LAST_LINE(stderr)}). Load the key into ssh-agent (ssh-add), or name it in server.ssh.identityFile. Nothing was changed`,
      2,
    );
  if (/Could not resolve hostname|Name or service not known/.test(stderr))
    return new SshError(`${host}: the host name does not resolve (${LAST_LINE(stderr)}); check server.host or your SSH config. Nothing was changed`, 2);
  if (/Connection refused|Connection timed out|No route to host|Network is unreachable|Operation timed out|Connection reset/.test(stderr))
    return new SshError(`${host} is unreachable over SSH: ${LAST_LINE(stderr)}`);
  if (/^(ssh|mux_client|client_loop|kex_exchange|ssh_exchange|Control socket|Timeout, server|Connection to .* closed|Bad owner|Can't open user config)/m.test(stderr))
    return new SshError(`${host}: the SSH connection failed: ${LAST_LINE(stderr)}`);
  return undefined;
}
