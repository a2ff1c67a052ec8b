import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { run } from '../src/exec';
import { createTestNetwork, NetnsUnavailable, type TestNetwork, type TestNetworkHost } from '../src/index';

let net: TestNetwork | undefined;
let unavailable = '';

beforeAll(async () => {
  try {
    net = await createTestNetwork({ hosts: 2 });
  } catch (error) {
    if (!(error instanceof NetnsUnavailable)) throw error;
    unavailable = error.message;
    console.warn(`skipping the multi-host testbed tests: ${unavailable}`);
  }
}, 30_000);

afterAll(() => net?.destroy(), 30_000);

function requireNetwork(context: TestContext): TestNetwork {
  if (!net) context.skip(`skipped: ${unavailable}`);
  return net;
}

const ssh = (network: TestNetwork, alias: string, command: string, extra: string[] = []) =>
  run(['ssh', '-F', network.clientConfig, '-o', 'BatchMode=yes', ...extra, alias, command], 15_000);

/** Whether a TCP connect succeeds within the bound, and how long it took to find out. */
function tcpConnect(host: string, port: number, timeoutMs: number): Promise<{ ok: boolean; outcome: string; ms: number }> {
  const start = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean, outcome: string) => (socket.destroy(), clearTimeout(timer), resolve({ ok, outcome, ms: Date.now() - start }));
    const timer = setTimeout(() => done(false, 'timeout'), timeoutMs);
    socket.on('connect', () => done(true, 'connected'));
    socket.on('error', (error: NodeJS.ErrnoException) => done(false, error.code ?? error.message));
  });
}

/** A tiny HTTP server started over SSH on the host, answering with its own pid; resolves with that pid. */
function serveOverSsh(network: TestNetwork, host: TestNetworkHost, port: number): Promise<number> {
  const script = `require("http").createServer((q, r) => r.end(String(process.pid))).listen(${port}, "${host.address}", () => console.log("ready " + process.pid))`;
  const child = spawn('ssh', ['-F', network.clientConfig, '-o', 'BatchMode=yes', host.alias, `exec node -e '${script}'`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill(), reject(new Error(`no server on ${host.alias} in 10 s: ${output}`))), 10_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready (\d+)/.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      resolve(Number(ready[1]));
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`ssh exited ${code}: ${output}`))));
  });
}

const get = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text();

describe('a test network of two hosts in their own namespaces', () => {
  it('lets SSH reach each host, which sees only its own address', async (context) => {
    const network = requireNetwork(context);
    const [one, two] = network.hosts;
    if (!one || !two) throw new Error('two hosts expected');
    for (const [self, other] of [
      [one, two],
      [two, one],
    ] as const) {
      const result = await ssh(network, self.alias, 'ip -4 -o addr');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`inet ${self.address}/24`);
      expect(result.stdout).not.toContain(other.address);
      expect(self.handshakes()).toBe(1);
    }
    expect(readFileSync(network.knownHostsFile, 'utf8').trim().split('\n')).toHaveLength(2);
  }, 30_000);

  it('runs what SSH starts inside the host, reachable from the test process and the other host over the bridge', async (context) => {
    const network = requireNetwork(context);
    const [one, two] = network.hosts;
    if (!one || !two) throw new Error('two hosts expected');
    const pid = await serveOverSsh(network, one, 18080);
    const inside = await run(['ip', 'netns', 'pids', one.netns]);
    expect(inside.stdout.split(/\s+/)).toContain(String(pid));
    expect(await get(`http://${one.address}:18080/`)).toBe(String(pid));
    const fromTwo = await two.exec(['curl', '-sS', '--max-time', '5', `http://${one.address}:18080/`], { timeoutMs: 10_000 });
    expect(fromTwo).toMatchObject({ code: 0, stdout: String(pid) });
    // Host 2's own loopback has nothing on that port: the namespaces do not share sockets.
    const loopback = await two.exec(['curl', '-sS', '--max-time', '5', 'http://127.0.0.1:18080/'], { timeoutMs: 10_000 });
    expect(loopback.code).not.toBe(0);
  }, 30_000);

  it('cuts one host off and plugs it back in, while the other keeps answering', async (context) => {
    const network = requireNetwork(context);
    const [one, two] = network.hosts;
    if (!one || !two) throw new Error('two hosts expected');
    const pid = await serveOverSsh(network, one, 18081);
    expect((await tcpConnect(one.address, 18081, 2_000)).ok).toBe(true);

    await one.cut();
    const cut = await tcpConnect(one.address, 18081, 2_000);
    expect(cut).toMatchObject({ ok: false });
    expect(cut.ms).toBeLessThan(3_000);
    const started = Date.now();
    const refused = await ssh(network, one.alias, 'true', ['-o', 'ConnectTimeout=2']);
    expect(refused.code).toBe(255);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect((await tcpConnect(two.address, 22, 2_000)).ok).toBe(true);
    expect((await ssh(network, two.alias, 'echo still here')).stdout).toBe('still here\n');

    await one.restore();
    // The first connect after the cut waits for ARP to resolve again (about a second).
    expect((await tcpConnect(one.address, 18081, 5_000)).ok).toBe(true);
    // The server lived through the cut: same process.
    expect(await get(`http://${one.address}:18081/`)).toBe(String(pid));
    expect((await ssh(network, one.alias, 'echo back')).stdout).toBe('back\n');
  }, 45_000);

  it('leaves no namespace, link, process or file behind when destroyed, however often', async (context) => {
    const network = requireNetwork(context);
    const [one] = network.hosts;
    if (!one) throw new Error('a host expected');
    const pid = await serveOverSsh(network, one, 18082);
    await network.destroy();
    await network.destroy();
    const namespaces = (await run(['ip', 'netns', 'list'])).stdout;
    const links = (await run(['ip', '-o', 'link'])).stdout;
    for (const host of network.hosts) {
      expect(namespaces).not.toContain(host.netns);
      expect(links).not.toContain(host.link);
      expect(existsSync(host.sshdLogFile)).toBe(false);
    }
    expect(links).not.toContain(network.bridge);
    expect(existsSync(network.clientConfig)).toBe(false);
    // Killed: gone, or a zombie waiting for init to reap it.
    const state = existsSync(`/proc/${pid}/status`) ? /State:\s+(\S)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] : 'gone';
    expect(['gone', 'Z']).toContain(state);
  }, 30_000);
});
