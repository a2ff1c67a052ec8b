import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresUnavailable, startTestPostgres, startTestSshd, type TestSshd } from '@switchyard/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandTimeoutError, HostFileError, localHost, LockedError, SshError, sshHost, type SshTarget } from '../src/index';
import { onCleanup, waitFor } from './helpers';

const QUICK = { timeoutMs: 10_000 };

let sshd: TestSshd;
let target: SshTarget;
/** A directory the deploy user owns, as server:init leaves the deploy root. */
let home: string;

beforeAll(async () => {
  sshd = await startTestSshd();
  target = { destination: sshd.alias, configFile: sshd.clientConfig, connectTimeoutSec: 5, trustNewHostKey: false };
  home = mkdtempSync(join(tmpdir(), 'switchyard-ssh-root-'));
  chmodSync(home, 0o755);
  const uid = Number(execFileSync('id', ['-u', sshd.user]).toString());
  chownSync(home, uid, uid);
});

afterAll(async () => {
  rmSync(home, { recursive: true, force: true });
  await sshd?.stop();
});

async function connect(overrides: Partial<SshTarget> = {}) {
  const host = await sshHost({ ...target, ...overrides });
  onCleanup(() => host.close());
  return host;
}

describe('commands over SSH', () => {
  it('passes every argument through the remote /bin/sh unchanged', async () => {
    const host = await connect();
    const tricky = ["it's", 'two words', '$(touch /tmp/pwned)', '`id`', 'a\nb', '*', '; rm -rf /', '"', '\\', ''];
    const result = await host.run(['printf', '%s|', ...tricky], QUICK);
    expect(result.stdout).toBe(`${tricky.join('|')}|`);
    expect((await host.run(['id', '-un'], QUICK)).stdout.trim()).toBe(sshd.user);
  });

  it('finds nginx in /usr/sbin although a non-root session PATH lacks it', async () => {
    const host = await connect();
    expect((await host.run(['sh', '-c', 'command -v nginx'], QUICK)).stdout.trim()).toBe('/usr/sbin/nginx');
  });

  it('sends variables on stdin: the command sees them, ps on the server never does', async () => {
    const host = await connect();
    const secret = 'hunter2-not-in-argv\nsecond line';
    const running = host.run(['sh', '-c', 'printf %s "$SECRET"; sleep 1'], { env: { SECRET: secret }, ...QUICK });
    let seen = '';
    await waitFor(async () => {
      seen = execFileSync('ps', ['-eo', 'args']).toString();
      return seen.includes('sleep 1');
    });
    expect(seen).not.toContain('hunter2');
    expect((await running).stdout).toBe(secret);
  });

  it('gives a command only its own variables and PATH with inheritEnv: false, and stdin after them', async () => {
    const host = await connect();
    const result = await host.run(['sh', '-c', 'env | sort; cat'], { env: { ONLY: 'x' }, inheritEnv: false, input: 'from stdin', ...QUICK });
    const names = result.stdout.split('\n').filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split('=')[0]);
    expect(names.filter((name) => name !== 'PWD' && name !== 'SHLVL' && name !== '_')).toEqual(['ONLY', 'PATH']);
    expect(result.stdout).toContain('from stdin');
  });

  it('streams a command line by line in its directory, with only its own variables, as on this machine', async () => {
    const host = await connect();
    const script = 'pwd; echo "$SECRET_FOR_TEST"; env | sed -n "s/=.*//p" | grep -v -e PWD -e SHLVL -e "^_$" | sort | tr "\\n" " "; echo';
    for (const where of [host, localHost()]) {
      const lines: string[] = [];
      await where.stream(['sh', '-c', script], (line) => lines.push(line), { cwd: home, env: { SECRET_FOR_TEST: 'hunter2' }, inheritEnv: false });
      expect(lines).toEqual([home, 'hunter2', 'PATH SECRET_FOR_TEST ']);
    }
  });

  it('runs in the working directory asked for, and ends a command at its timeout, naming it and the bound', async () => {
    const host = await connect();
    expect((await host.run(['pwd'], { cwd: home, ...QUICK })).stdout.trim()).toBe(home);
    const started = Date.now();
    const slow = await host.run(['sleep', '30'], { timeoutMs: 300, nothrow: true }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(CommandTimeoutError);
    expect((slow as Error).message).toBe('sleep 30 did not finish within 300 ms and was stopped');
    expect(Date.now() - started).toBeLessThan(5_000);
    // A command that exits 124 by itself did not time out.
    expect(await host.run(['sh', '-c', 'exit 124'], { nothrow: true, ...QUICK })).toMatchObject({ ok: false, exitCode: 124 });
    expect((await host.run(['true'], QUICK)).ok).toBe(true);
  });
});

describe('files over SSH', () => {
  it('writes atomically with the mode asked for, reads, appends, links and removes', async () => {
    const host = await connect();
    const dir = join(home, 'files');
    await host.mkdirp(join(dir, 'a', 'b'), 0o711);
    expect(execFileSync('stat', ['-c', '%a', join(dir, 'a', 'b')]).toString().trim()).toBe('711');
    await host.writeFileAtomic(join(dir, 'env'), 'SECRET=1\nodd \'quote" $x\n', 0o600);
    expect(execFileSync('stat', ['-c', '%a %U', join(dir, 'env')]).toString().trim()).toBe(`600 ${sshd.user}`);
    expect(await host.readFile(join(dir, 'env'))).toBe('SECRET=1\nodd \'quote" $x\n');
    expect(await host.readFile(join(dir, 'missing'))).toBeUndefined();
    await host.appendFile(join(dir, 'log'), 'one\n');
    await host.appendFile(join(dir, 'log'), 'two\n');
    expect(readFileSync(join(dir, 'log'), 'utf8')).toBe('one\ntwo\n');
    await host.symlinkAtomic('env', join(dir, 'link'));
    await host.symlinkAtomic('log', join(dir, 'link'));
    expect(await host.readlink(join(dir, 'link'))).toBe('log');
    expect(await host.readlink(join(dir, 'env'))).toBeUndefined();
    expect(await host.listDir(dir)).toEqual(['a', 'env', 'link', 'log']);
    const links = ['x', 'y', 'z'].map((name) => ({ path: join(dir, 'a', `${name}.sock`), target: `../${name}` }));
    expect(await host.pointLinks(links)).toBe(3);
    expect(await host.pointLinks([...links.slice(0, 2), { path: links[2]!.path, target: '../other' }])).toBe(1);
    expect(await host.readlink(links[2]!.path)).toBe('../other');
    expect(await host.listDir(join(dir, 'a'))).toEqual(['b', 'x.sock', 'y.sock', 'z.sock']);
    expect(await host.listDir(join(dir, 'nothing'))).toEqual([]);
    await host.symlinkAtomic('gone', join(dir, 'dangling'));
    expect(await host.exists(join(dir, 'dangling'))).toBe(true);
    await host.remove(dir);
    expect(await host.exists(dir)).toBe(false);
    expect(await host.diskFree(home)).toBeGreaterThan(0);
  });

  it('stats paths as this machine does: owner, group and mode bits, following links or not, the missing left out', async () => {
    const host = await connect();
    const dir = mkdtempSync(join(home, 'stat-'));
    chmodSync(dir, 0o2755);
    writeFileSync(join(dir, 'file'), '');
    chmodSync(join(dir, 'file'), 0o640);
    symlinkSync('file', join(dir, 'link'));
    const paths = ['/', dir, join(dir, 'file'), join(dir, 'link'), join(dir, 'missing'), join(dir, 'file', 'below')];
    for (const follow of [true, false]) {
      const local = await localHost().stat(paths, { follow });
      expect(await host.stat(paths, { follow })).toEqual(local);
      expect(local.map((s) => s.path)).toEqual(paths.slice(0, 4));
      expect(local[1]!.mode).toBe(0o2755);
      expect(local[3]!.mode).toBe(follow ? 0o640 : 0o777);
    }
    expect(await host.stat([], { follow: true })).toEqual([]);
  });

  it('names the path and the reason when the user may not write there', async () => {
    const host = await connect();
    const error = await host.writeFileAtomic('/etc/switchyard-test', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostFileError);
    expect((error as HostFileError).code).toBe('EACCES');
    expect((error as Error).message).toMatch(/cannot write \/etc\/switchyard-test: permission denied/);
    await expect(host.checkWritable('/etc')).rejects.toThrow(/cannot write in \/etc/);
  });

  it('copies a directory of the deploying machine to the server with rsync', async () => {
    const host = await connect();
    const local = mkdtempSync(join(tmpdir(), 'switchyard-upload-'));
    onCleanup(() => rmSync(local, { recursive: true, force: true }));
    writeFileSync(join(local, 'app.js'), 'console.log(1)\n');
    execFileSync('mkdir', ['-p', join(local, 'node_modules/x')]);
    await host.upload(local, join(home, 'release'), { exclude: ['node_modules'] });
    expect(readFileSync(join(home, 'release', 'app.js'), 'utf8')).toBe('console.log(1)\n');
    expect(await host.exists(join(home, 'release', 'node_modules'))).toBe(false);
  });
});

describe('the lock over SSH', () => {
  it('refuses a second holder, naming the first and its machine, until the first releases it', async () => {
    const first = await connect();
    const second = await connect();
    const path = join(home, 'deploy.lock');
    const held = await first.lock(path, { command: 'deploy --env production', deployId: 'd-1' });
    const refused = await second.lock(path, { command: 'switch', deployId: 'd-2' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockedError);
    expect((refused as Error).message).toMatch(/held by pid \d+ on \S+ \(user \w+, command "deploy --env production", deploy d-1\)/);
    held.release();
    const again = await waitForLock(second, path);
    again.release();
  });

  it('is released when the command holding it dies, with no stale lock left', async () => {
    const first = await connect();
    const path = join(home, 'crash.lock');
    await first.lock(path, { command: 'deploy', deployId: 'd-1' });
    first.close();
    const second = await connect();
    (await waitForLock(second, path)).release();
  });
});

async function waitForLock(host: Awaited<ReturnType<typeof connect>>, path: string) {
  let lock;
  await waitFor(async () => {
    lock = await host.lock(path, { command: 'x', deployId: 'x' }).catch(() => undefined);
    return lock !== undefined;
  });
  return lock!;
}

describe('one connection per command', () => {
  it('runs many commands, a forward and rsync over a single SSH handshake', async () => {
    const before = sshd.handshakes();
    const host = await connect();
    const socketDir = mkdtempSync(join(tmpdir(), 'switchyard-sock-'));
    chmodSync(socketDir, 0o755);
    onCleanup(() => rmSync(socketDir, { recursive: true, force: true }));
    const server = createServer((_, res) => res.end('pong'));
    const socketPath = join(socketDir, 'app.sock');
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    chmodSync(socketPath, 0o777);
    onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    for (let i = 0; i < 10; i++) await host.run(['true'], QUICK);
    for (let i = 0; i < 5; i++) {
      const answer = await host.httpGet({ socketPath }, '/ping', { timeoutMs: 2000 });
      expect(answer).toMatchObject({ reached: true, status: 200, body: 'pong' });
    }
    const missing = await host.httpGet({ socketPath: join(socketDir, 'none.sock') }, '/', { timeoutMs: 2000 });
    expect(missing.reached).toBe(false);
    const local = mkdtempSync(join(tmpdir(), 'switchyard-upload-'));
    onCleanup(() => rmSync(local, { recursive: true, force: true }));
    await host.upload(local, join(home, 'one-handshake'));
    await host.lock(join(home, 'count.lock'), { command: 'x', deployId: 'x' });
    expect(sshd.handshakes() - before).toBe(1);
  });
});

describe('a tunnel to what only the server reaches', () => {
  const unavailable = postgresUnavailable();
  it.skipIf(unavailable !== undefined)(`leads a local socket, named as a PostgreSQL client looks for it, to a database port on the server${unavailable ? ` (skipped: ${unavailable})` : ''}`, async () => {
    const postgres = await startTestPostgres();
    onCleanup(() => postgres.stop());
    const host = await connect();
    const socket = await host.tunnel('127.0.0.1', postgres.port, `.s.PGSQL.${postgres.port}`);
    expect(socket).toMatch(new RegExp(`/\\.s\\.PGSQL\\.${postgres.port}$`));
    // PostgreSQL's SSLRequest (length 8, code 80877103): the server answers one byte, N or S.
    const answer = await new Promise<string>((resolve, reject) => {
      const client = netConnect(socket!, () => client.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])));
      client.once('data', (data) => {
        client.destroy();
        resolve(data.toString('latin1', 0, 1));
      });
      client.once('error', reject);
    });
    expect(['N', 'S']).toContain(answer);
    expect(await localHost().tunnel('127.0.0.1', postgres.port, 'x')).toBeUndefined();
  });
});

describe('host keys', () => {
  it('refuses a server whose key is not known, saying how to trust it; --trust-new-host-key records it', async () => {
    const knownHosts = join(home, 'empty_known_hosts');
    writeFileSync(knownHosts, '');
    const config = join(home, 'ssh_config_unknown');
    writeFileSync(config, readFileSync(sshd.clientConfig, 'utf8').replace(sshd.knownHostsFile, knownHosts));
    const error = await sshHost({ ...target, configFile: config }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/TEST_SERVER: the server's SSH host key is not known.*ssh-keyscan.*--trust-new-host-key/);
    const trusted = await connect({ configFile: config, trustNewHostKey: true });
    await trusted.run(['true'], QUICK);
    expect(readFileSync(knownHosts, 'utf8')).toContain(sshd.knownHostsLine.split(' ')[2]!.trim());
  });

  it('refuses a server whose key changed, even with --trust-new-host-key', async () => {
    const knownHosts = join(home, 'changed_known_hosts');
    const otherKey = join(home, 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${readFileSync(`${otherKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    const config = join(home, 'ssh_config_changed');
    writeFileSync(config, readFileSync(sshd.clientConfig, 'utf8').replace(sshd.knownHostsFile, knownHosts));
    const error = await sshHost({ ...target, configFile: config, trustNewHostKey: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as Error).message).toMatch(/TEST_SERVER: the server's SSH host key has CHANGED/);
  });

  it('says the server is unreachable when nothing listens', async () => {
    const error = await sshHost({ destination: '127.0.0.1', port: 1, connectTimeoutSec: 2, trustNewHostKey: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as Error).message).toMatch(/127.0.0.1 is unreachable over SSH: .*Connection refused/);
  });
});
