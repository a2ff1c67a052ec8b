import { execFile, execFileSync } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runScript } from './support/cli';
import { reservePort } from './support/deploy-project';
import { remoteProject } from './support/remote-project';

/*
 * Production is another machine: the same commands, over SSH to an sshd on 127.0.0.1 with its own
 * host key, as a plain `deploy` user with no sudo — private nginx, the user's own processes.
 */

describe('a server reached over SSH', () => {
  it('deploys, switches, rolls back and reports, through an SSH alias, one handshake per command; then pnpm deploy:prod', async ({ onTestFinished }) => {
    const { sshd, project, uid } = await remoteProject(19150, onTestFinished);

    const handshakes = async (run: () => Promise<{ code: number | null; stdout: string; stderr: string }>) => {
      const before = sshd.handshakes();
      const result = await run();
      expect(result.code, result.stdout + result.stderr).toBe(0);
      return { ...result, handshakes: sshd.handshakes() - before };
    };

    const first = await handshakes(async () => project.deploy(await project.release('1.0.0')));
    expect(first.handshakes).toBe(1);
    // Every line names the server it speaks of.
    expect(first.stdout.trim().split('\n').every((line) => line.startsWith('[TEST_SERVER] '))).toBe(true);
    expect(await project.liveColor()).toBe('blue');
    expect(statSync(`${project.appRoot}/state.json`).uid).toBe(uid);

    const second = await handshakes(async () => project.deploy(await project.release('2.0.0')));
    expect(second.handshakes).toBe(1);
    expect(await project.liveColor()).toBe('green');
    const answer = await project.get('/api/products');
    expect(answer.headers['x-app-version']).toBe('2.0.0');

    const status = await handshakes(() => project.run('status.ts'));
    expect(status.stdout).toMatch(/^catalog \(local\) on TEST_SERVER — /);
    expect(status.stdout).toMatch(/green .* healthy.*← live/);

    const rollback = await handshakes(() => project.run('rollback.ts'));
    expect(rollback.handshakes).toBe(1);
    expect(await project.liveColor()).toBe('blue');
    // The command the project exists for, as a user types it: pnpm deploy:prod, production being this server.
    copyFileSync(join(project.configDir, 'local.json'), join(project.configDir, 'production.json'));
    const release = await project.release('3.0.0');
    const prod = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile('pnpm', ['-s', 'deploy:prod', '--config-dir', project.configDir, '--source', release], { cwd: REPO, timeout: 90_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      ),
    );
    expect(prod.code, prod.stdout + prod.stderr).toBe(0);
    expect(prod.stdout).toMatch(/^\[TEST_SERVER\] deploy \(production\): release \S+ to green/m);
    expect((await project.get('/api/products')).headers['x-app-version']).toBe('3.0.0');
  });
});

function httpsColor(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/api/products', rejectUnauthorized: false, servername: 'localhost', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(`${res.statusCode} ${String(res.headers['x-app-color'])}`));
    })
      .on('error', reject)
      .end();
  });
}

describe('a server over SSH with TLS on', () => {
  it('deploys, runs a canary, completes it, switches and rolls back, all confirmed through HTTPS-only nginx', async ({ onTestFinished }) => {
    const { project, uid } = await remoteProject(19159, onTestFinished);
    const tlsPort = await reservePort(19160);
    onTestFinished(() => tlsPort.release());
    const tls = join(project.dir, 'tls');
    mkdirSync(tls);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(tls, 'key.pem'), '-out', join(tls, 'cert.pem')], { stdio: 'ignore' });
    // The private nginx runs as the deploy user: its key is that user's to read, and nobody else's.
    chownSync(join(tls, 'key.pem'), uid, uid);
    project.configure({
      nginx: { tls: { certificate: join(tls, 'cert.pem'), certificateKey: join(tls, 'key.pem'), port: tlsPort.port } },
      keepOldWarm: true,
    });
    const ok = (result: { code: number | null; stdout: string; stderr: string }) => {
      expect(result.code, result.stdout + result.stderr).toBe(0);
      return result.stdout;
    };

    ok(await project.deploy(await project.release('1.0.0')));
    ok(await project.deploy(await project.release('2.0.0')));
    expect(await httpsColor(tlsPort.port)).toBe('200 green');
    expect((await project.get('/api/products')).status).toBe(301);

    expect(ok(await project.run('switch.ts', ['--weight', '10']))).toMatch(/Canary: 10% to blue/);
    expect(ok(await project.run('status.ts'))).toMatch(/canary 10% to blue/);
    ok(await project.run('switch.ts', ['--weight', '100']));
    expect(await httpsColor(tlsPort.port)).toBe('200 blue');
    ok(await project.run('switch.ts'));
    expect(await httpsColor(tlsPort.port)).toBe('200 green');
    expect(ok(await project.run('rollback.ts'))).toMatch(/Confirm through nginx/);
    expect(await httpsColor(tlsPort.port)).toBe('200 blue');
  });
});

describe('a git source shipped over SSH', () => {
  it('ships the commit a ref names (git archive through the connection), whatever the working tree holds; a missing ref is exit 2', async ({ onTestFinished }) => {
    const { project } = await remoteProject(19154, onTestFinished);
    const work = await project.release('1.0.0');
    const git = (...args: string[]) => execFileSync('git', ['-C', work, ...args], { encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'empty');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'catalog 1.0.0');
    const commit = git('rev-parse', 'HEAD');
    // An uncommitted edit in the working tree is not part of the commit, and does not ship.
    writeFileSync(join(work, 'server.js'), 'process.exit(1)\n');
    const cache = join(project.dir, 'cache');
    project.replace('source', { type: 'git', repository: work, ref: 'main' });
    const deploy = (args: string[] = []) => runScript('deploy.ts', [...project.flags(), ...args], { env: { XDG_CACHE_HOME: cache } });

    const first = await deploy();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`release \\d{8}T\\d{6}Z-${commit.slice(0, 7)} to blue`));
    expect((await project.get('/api/products')).headers['x-app-version']).toBe('1.0.0');
    expect(existsSync(join(project.appRoot, 'releases')) && readdirSync(join(project.appRoot, 'releases')).length).toBe(1);

    project.replace('source', { type: 'git', repository: work, ref: 'no-such-branch' });
    const missing = await deploy();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/source.ref "no-such-branch" is not a branch, tag or commit of/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
