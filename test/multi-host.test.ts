import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { httpGet } from '@switchyard/host';
import { createTestNetwork, netnsUnavailable, type TestNetwork } from '@switchyard/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeployProject, deployProject } from './support/deploy-project';

/*
 * Three servers, each a network namespace with its own sshd and nginx, on a bridge only this test
 * made: a deploy prepares all three, then switches all three or none.
 */

const unavailable = await netnsUnavailable();
if (unavailable) console.warn(`skipping the multi-server tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('a deploy to three servers', () => {
  let network: TestNetwork;
  let project: DeployProject;
  const roots: string[] = [];

  beforeAll(async () => {
    network = await createTestNetwork({ hosts: 3 });
    project = await deployProject(19158);
    const uid = Number(execFileSync('id', ['-u', network.user]).toString());
    for (const [i] of network.hosts.entries()) {
      // One filesystem for all three namespaces: each server gets its own deploy root.
      const root = join(project.dir, `server${i + 1}`);
      mkdirSync(root);
      chownSync(root, uid, uid);
      roots.push(root);
    }
    project.configure({
      server: {
        type: 'ssh',
        root: roots[0],
        hosts: network.hosts.map((host, i) => ({ host: host.alias, root: roots[i] })),
        ssh: { configFile: network.clientConfig, connectTimeoutSec: 3 },
        privilege: 'none',
      },
      // Inside each namespace: its loopback and its own bridge address.
      nginx: { listen: { address: '0.0.0.0' } },
      // The one filesystem again: the servers publish into one folder, each its own copy of the same files.
      assets: { directory: join(roots[0]!, 'assets') },
      // These servers reach no package registry (their namespaces route to each other alone): the
      // sample app's one dependency, optional (node-postgres, for its database mode), is left out.
      build: { install: ['npm', 'ci', '--omit=dev', '--omit=optional', '--no-audit', '--no-fund'] },
    });
  });

  afterAll(async () => {
    await project?.cleanup();
    await network?.destroy();
  });

  /** What each server's nginx serves: its version, or the failure. */
  const versions = async () =>
    Promise.all(
      network.hosts.map(async (host) => {
        const answer = await httpGet({ address: host.address, port: project.port }, '/api/products', { timeoutMs: 3000 });
        return answer.reached ? `${answer.status} ${String(answer.headers['x-app-version'])} ${String(answer.headers['x-app-color'])}` : answer.error;
      }),
    );

  /** GETs to every server until stopped; every answer that is not a 200 is kept. */
  const load = () => {
    let running = true;
    const failures: string[] = [];
    let total = 0;
    const loops = network.hosts.map(async (host) => {
      while (running) {
        const answer = await httpGet({ address: host.address, port: project.port }, '/api/products', { timeoutMs: 3000 });
        total++;
        if (!answer.reached || answer.status !== 200) failures.push(`${host.alias}: ${answer.reached ? answer.status : answer.error}`);
      }
    });
    return {
      async stop() {
        running = false;
        await Promise.all(loops);
        return { total, failures };
      },
    };
  };

  it('deploys to all three, one SSH handshake per server', async () => {
    const before = network.hosts.map((host) => host.handshakes());
    const result = await project.deploy(await project.release('1.0.0'));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(network.hosts.map((host, i) => host.handshakes() - before[i]!)).toEqual([1, 1, 1]);
    for (const host of network.hosts) expect(result.stdout).toMatch(new RegExp(`^\\[${host.alias}\\] +✓`, 'm'));
    expect(await versions()).toEqual(['200 1.0.0 blue', '200 1.0.0 blue', '200 1.0.0 blue']);
  });

  it('switches none when one server fails before the switch: traffic unchanged everywhere, under load', async () => {
    // The second server cannot start green: its log path is a directory.
    const broken = join(roots[1]!, 'catalog', 'log', 'green.log');
    mkdirSync(broken, { recursive: true });
    const traffic = load();
    const result = await project.deploy(await project.release('2.0.0'));
    const { total, failures } = await traffic.stop();
    rmSync(broken, { recursive: true });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toMatch(/HOST_2 failed before the switch, so no server switched/);
    expect(result.stdout).not.toMatch(/Switch to green/);
    expect(failures).toEqual([]);
    expect(total).toBeGreaterThan(50);
    expect(await versions()).toEqual(['200 1.0.0 blue', '200 1.0.0 blue', '200 1.0.0 blue']);
    const status = await project.run('status.ts');
    expect(status.stdout).not.toMatch(/green .* healthy/);
  });

  it('switches the others back when a server is lost during the switch; the next deploy completes', async () => {
    const lost = network.hosts[2]!;
    const deploy = project.spawnDeploy(await project.release('2.0.0'));
    await deploy.waitFor(new RegExp(`\\[${lost.alias}\\] +▸ Switch to green`), 90_000);
    await lost.cut();
    const { code, output } = await deploy.exited;
    await lost.restore();
    expect(code, output).toBe(1);
    expect(output).toMatch(/the switch failed on HOST_3\. HOST_1, HOST_2 switched back\./);
    const [first, second] = await versions();
    expect([first, second]).toEqual(['200 1.0.0 blue', '200 1.0.0 blue']);

    // The lost server's lock lets go once its holder's beats have stopped for long enough.
    const again = await project.deploy(await project.release('2.0.0'), ['--wait', '40']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    // The same release everywhere. The lost server may serve it from the other colour: if its own
    // rename went through before the link was cut, the failed deploy left it live on green, and
    // this deploy took its idle colour, blue. Colours are each server's own slots.
    expect((await versions()).map((v) => v.replace(/ (blue|green)$/, ''))).toEqual(['200 2.0.0', '200 2.0.0', '200 2.0.0']);
    const status = await project.run('status.ts');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).not.toMatch(/disagree/);
  });
});
