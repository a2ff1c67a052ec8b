import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
}

export interface TestSshd {
  port: number;
  alias: string;
  user: string;
  /** An SSH client config (`ssh -F`) naming the alias, the key and the known_hosts file. */
  clientConfig: string;
  knownHostsFile: string;
  /** The line known_hosts needs for this server. */
  knownHostsLine: string;
  /** sshd's own log (LogLevel VERBOSE): one "Accepted publickey" line per handshake. */
  logFile: string;
  handshakes(): number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
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

/**
 * sshd on 127.0.0.1 and a free port, with its own config, host key and authorized key, in a
 * temporary directory: nothing of the machine's own SSH setup is read or changed.
 */
export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  const user = options.user ?? 'deploy';
  const alias = options.alias ?? 'TEST_SERVER';
  ensureUser(user);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-sshd-'));
  // The session runs as the user and reads the authorized keys as the user: the directory must let it.
  chmodSync(dir, 0o755);
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', file, '-f', join(dir, file)]);
  keygen('host_key');
  keygen('client_key');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o644 });
  const port = await freePort();
  const logFile = join(dir, 'sshd.log');
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
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
  const knownHostsLine = `[127.0.0.1]:${port} ${readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ')}\n`;
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, options.knownHost === false ? '' : knownHostsLine);
  const clientConfig = join(dir, 'ssh_config');
  writeFileSync(
    clientConfig,
    [
      `Host ${alias}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${join(dir, 'client_key')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHostsFile}`,
      '',
    ].join('\n'),
  );
  const sshd: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-f', join(dir, 'sshd_config'), '-E', logFile], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (sshd.exitCode !== null || Date.now() > deadline) {
      const log = readFileSync(logFile, 'utf8');
      throw new Error(`sshd did not start on 127.0.0.1:${port}: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    port,
    alias,
    user,
    clientConfig,
    knownHostsFile,
    knownHostsLine,
    logFile,
    handshakes: () => readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('Accepted publickey')).length,
    async stop() {
      if (sshd.exitCode === null) {
        const exited = new Promise((resolve) => sshd.once('exit', resolve));
        sshd.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
