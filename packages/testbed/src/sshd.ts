import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestSshdOptions {
  /** The login the deploys use; created when missing (a plain user, shell /bin/sh as useradd gives). */
  user?: string;
  /** The name the client config knows the server by: upper case and "_", as aliases often are. */
  alias?: string;
  /** Whether the client's known_hosts already holds the server's key. */
  knownHost?: boolean;
  /** The address sshd listens on; 127.0.0.1 unless given. */
  listenAddress?: string;
  /** The port sshd listens on: a free one on the address unless given, 22 inside a network namespace. */
  port?: number;
  /**
   * A network namespace (`ip netns`) to start sshd in: every session, and whatever it starts, lives
   * there. Readiness is then read from sshd's log, since the root namespace may not reach the address.
   */
  netns?: string;
  /** A client private key (its public half beside it, `.pub`) to authorize instead of a new one: several sshds can share one. */
  clientKey?: string;
}

export interface TestSshd {
  address: string;
  port: number;
  netns: string | undefined;
  alias: string;
  user: string;
  /** An SSH client config (`ssh -F`) naming the alias, the key and the known_hosts file. */
  clientConfig: string;
  knownHostsFile: string;
  /** The line known_hosts needs for this server. */
  knownHostsLine: string;
  /** The client key the server authorizes. */
  clientKey: string;
  /** sshd's own log (LogLevel VERBOSE): one "Accepted publickey" line per handshake. */
  logFile: string;
  handshakes(): number;
  stop(): Promise<void>;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.on('connect', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

/** A login that sshd accepts with a key: useradd's account is locked ("!"), and sshd refuses locked accounts. */
export function ensureUser(user: string): void {
  try {
    execFileSync('id', ['-u', user], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', user]);
  }
  execFileSync('usermod', ['-p', '*', user]);
}

/** How known_hosts names a server: `[addr]:port` unless the port is 22. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

export interface HostBlock {
  alias: string;
  address: string;
  port: number;
  user: string;
  identityFile: string;
  knownHostsFile: string;
}

/** One `Host` block of an SSH client config. */
export function sshConfigBlock(host: HostBlock, extra: string[] = []): string {
  return [
    `Host ${host.alias}`,
    `  HostName ${host.address}`,
    `  Port ${host.port}`,
    `  User ${host.user}`,
    `  IdentityFile ${host.identityFile}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${host.knownHostsFile}`,
    ...extra.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

const listening = (logFile: string) => {
  try {
    return readFileSync(logFile, 'utf8').includes('Server listening on');
  } catch {
    return false;
  }
};

/**
 * sshd on 127.0.0.1 and a free port (or the given address, port and network namespace), with its
 * own config, host key and authorized key, in a temporary directory: nothing of the machine's own
 * SSH setup is read or changed.
 */
export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  const user = options.user ?? 'deploy';
  const alias = options.alias ?? 'TEST_SERVER';
  const address = options.listenAddress ?? '127.0.0.1';
  const netns = options.netns;
  ensureUser(user);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-sshd-'));
  // The session runs as the user and reads the authorized keys as the user: the directory must let it.
  chmodSync(dir, 0o755);
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', file, '-f', join(dir, file)]);
  keygen('host_key');
  const clientKey = options.clientKey ?? join(dir, 'client_key');
  if (!options.clientKey) keygen('client_key');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`), { mode: 0o644 });
  const port = options.port ?? (netns ? 22 : await freePort(address));
  const logFile = join(dir, 'sshd.log');
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      `ListenAddress ${address}`,
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The keys live under /tmp, which is world-writable: StrictModes would refuse them.
      'StrictModes no',
      'LogLevel VERBOSE',
      // Many sessions at once over one connection (a deploy's parallel probes and commands).
      'MaxSessions 64',
      'MaxStartups 64',
      '',
    ].join('\n'),
  );
  execFileSync('mkdir', ['-p', '/run/sshd']);
  const hostKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  const knownHostsLine = `${knownHostsName(address, port)} ${hostKey}\n`;
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, options.knownHost === false ? '' : knownHostsLine);
  const clientConfig = join(dir, 'ssh_config');
  writeFileSync(clientConfig, sshConfigBlock({ alias, address, port, user, identityFile: clientKey, knownHostsFile }));
  const argv = ['-D', '-f', join(dir, 'sshd_config'), '-E', logFile];
  // `ip netns exec` execs sshd in place: the child is sshd itself, so signals reach it.
  const sshd: ChildProcess = netns
    ? spawn('ip', ['netns', 'exec', netns, '/usr/sbin/sshd', ...argv], { stdio: 'ignore' })
    : spawn('/usr/sbin/sshd', argv, { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(netns ? listening(logFile) : await accepts(port, address))) {
    if (sshd.exitCode !== null || Date.now() > deadline) {
      sshd.kill('SIGKILL');
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(no log)';
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start on ${address}:${port}${netns ? ` in netns ${netns}` : ''}: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    address,
    port,
    netns,
    alias,
    user,
    clientConfig,
    knownHostsFile,
    knownHostsLine,
    clientKey,
    logFile,
    handshakes: () => readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('Accepted publickey')).length,
    async stop() {
      if (sshd.exitCode === null && sshd.signalCode === null) {
        const exited = new Promise((resolve) => sshd.once('exit', resolve));
        sshd.kill('SIGTERM');
        // Bounded: a wedged sshd is killed rather than waited on forever.
        const timer = setTimeout(() => sshd.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
