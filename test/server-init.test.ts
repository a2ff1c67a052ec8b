import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { startTestSshd } from '@switchyard/testbed';
import { describe, expect, it } from 'vitest';
import { deployProject } from './support/deploy-project';
import { removeServerUser } from './support/server-users';

/*
 * A fresh server: the deploy user does not exist yet. server:init, logged in as root, makes what
 * a deploy needs; the deploy user then deploys with no root at all (its own systemd manager and
 * a private nginx), or with sudo for exactly the system nginx's commands.
 */

const idOf = (user: string) => spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim();

describe('server:init on a fresh server', () => {
  it('prepares it as root, says so, changes nothing the second time; the deploy user then deploys under its own systemd manager', async ({ onTestFinished }) => {
    const user = 'syinit';
    removeServerUser(user);
    onTestFinished(() => removeServerUser(user));
    const sshd = await startTestSshd();
    onTestFinished(() => sshd.stop());
    const project = await deployProject(19151, { app: 'initapp' });
    onTestFinished(() => project.cleanup());
    project.configure({ server: { type: 'ssh', root: project.serverRoot, host: sshd.alias, user, ssh: { configFile: sshd.clientConfig }, privilege: 'none' }, supervisor: 'systemd', modules: ['web', 'api', 'worker'] });

    const asDeployUser = await project.run('server-init.ts', []);
    expect(asDeployUser.code).not.toBe(0);

    const dry = await project.run('server-init.ts', ['--ssh-user', 'root', '--dry-run']);
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/\+ deploy user: would create the user syinit/);
    expect(dry.stdout).toMatch(/change\(s\) to make; nothing was changed/);
    expect(idOf(user)).toBe('');

    const init = await project.run('server-init.ts', ['--ssh-user', 'root']);
    expect(init.code, init.stdout + init.stderr).toBe(0);
    expect(init.stdout).toMatch(/\+ deploy user: create the user syinit/);
    expect(init.stdout).toMatch(/\+ deploy root: create .*initapp, owned by syinit/);
    expect(init.stdout).toMatch(/\+ systemd user manager: keep a systemd manager running for syinit/);
    expect(init.stdout).toMatch(/\+ env file: write .*shared\/env/);
    // The folder the deploys publish assets into, which nginx's workers read.
    expect(init.stdout).toMatch(/\+ assets folder: create .*\/assets, owned by /);
    expect(init.stdout).toMatch(/5 change\(s\) made/);
    expect(statSync(project.appRoot).uid).toBe(Number(idOf(user)));

    const again = await project.run('server-init.ts', ['--ssh-user', 'root']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Nothing to change: the server is ready/);
    expect(again.stdout).not.toMatch(/^\S*\s*\+/m);
    const checked = await project.run('server-init.ts');
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/as syinit/);

    const deployed = await project.deploy(await project.release('1.0.0'));
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    expect(await project.liveColor()).toBe('blue');
    const units = spawnSync('runuser', ['-u', user, '--', 'env', `XDG_RUNTIME_DIR=/run/user/${idOf(user)}`, 'systemctl', '--user', 'is-active', 'initapp@blue.service'], { encoding: 'utf8' });
    expect(units.stdout.trim()).toBe('active');
    // The worker follows the live release: started by the first deploy.
    const worker = spawnSync('runuser', ['-u', user, '--', 'env', `XDG_RUNTIME_DIR=/run/user/${idOf(user)}`, 'systemctl', '--user', 'show', '-p', 'ActiveState,WorkingDirectory', 'initapp-worker.service'], { encoding: 'utf8' });
    expect(worker.stdout).toMatch(/ActiveState=active/);
    expect(worker.stdout).toMatch(/WorkingDirectory=.*\/initapp\/colors\/blue/);
  });

  it("with privilege sudo and the system nginx: sudoers for exactly nginx's commands, the site included, and deploys through them", async ({ onTestFinished }) => {
    const user = 'sysudo';
    removeServerUser(user);
    onTestFinished(() => removeServerUser(user));
    const sshd = await startTestSshd();
    onTestFinished(() => sshd.stop());
    const project = await deployProject(19152, { app: 'sudoapp' });
    const include = '/etc/nginx/conf.d/switchyard-sudoapp.conf';
    const sudoers = '/etc/sudoers.d/switchyard-sudoapp';
    onTestFinished(async () => {
      spawnSync('nginx', ['-s', 'quit']);
      rmSync(include, { force: true });
      rmSync(sudoers, { force: true });
      await project.cleanup();
    });
    expect(existsSync('/run/nginx.pid') && readFileSync('/run/nginx.pid', 'utf8').trim() !== '', 'the system nginx must not be running before this test').toBe(false);
    project.configure({
      server: { type: 'ssh', root: project.serverRoot, host: sshd.alias, user, ssh: { configFile: sshd.clientConfig }, privilege: 'sudo' },
      nginx: { mode: 'system' },
      supervisor: 'systemd',
    });

    const init = await project.run('server-init.ts', ['--ssh-user', 'root']);
    expect(init.code, init.stdout + init.stderr).toBe(0);
    expect(init.stdout).toMatch(/\+ sudoers: allow sysudo the nginx test, reload and start as root/);
    expect(init.stdout).toMatch(/\+ nginx site: make the system nginx include/);
    expect(init.stdout).toMatch(/\+ nginx group: add sysudo to www-data/);
    expect(readFileSync(sudoers, 'utf8')).toMatch(/^sysudo ALL=\(root\) NOPASSWD: \/usr\/sbin\/nginx -t -q, \/usr\/sbin\/nginx -s reload, \/usr\/sbin\/nginx "", /m);
    expect(statSync(sudoers).mode & 0o777).toBe(0o440);
    const again = await project.run('server-init.ts');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/✓ sudoers: sysudo may run the nginx test, reload and start as root/);

    // Exactly those commands: anything else through sudo is refused.
    const other = spawnSync('runuser', ['-u', user, '--', 'sudo', '-n', 'nginx', '-s', 'stop'], { encoding: 'utf8' });
    expect(other.status).not.toBe(0);

    const first = await project.deploy(await project.release('1.0.0'));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const second = await project.deploy(await project.release('2.0.0'));
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(await project.liveColor()).toBe('green');
    expect((await project.get('/api/products')).headers['x-app-version']).toBe('2.0.0');
  });
});

describe('server:init without root', () => {
  it('prints the exact root commands and exits 1 when the deploy root cannot be made', async ({ onTestFinished }) => {
    const sshd = await startTestSshd();
    onTestFinished(() => sshd.stop());
    const project = await deployProject(19153, { app: 'norootapp' });
    onTestFinished(() => project.cleanup());
    mkdirSync(project.serverRoot, { mode: 0o755 });
    project.configure({ server: { type: 'ssh', root: project.serverRoot, host: sshd.alias, ssh: { configFile: sshd.clientConfig }, privilege: 'none' }, supervisor: 'plain' });
    const result = await project.run('server-init.ts');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/! deploy root: create .*norootapp, owned by deploy/);
    expect(result.stdout).toMatch(new RegExp(`chown deploy: ${project.appRoot}`));
    expect(result.stderr).toMatch(/deploy root, assets folder, env file need root: run the commands above as root, or run server:init again with --ssh-user root/);
  });
});
