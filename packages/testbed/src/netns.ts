import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExecResult, ip, run } from './exec';
import { ensureUser, sshConfigBlock, startTestSshd } from './sshd';
import { conflicts, freeSubnet } from './subnet';

/** Network namespaces cannot be made here (no root, no CAP_SYS_ADMIN, a sandbox): tests should skip. */
export class NetnsUnavailable extends Error {
  override name = 'NetnsUnavailable';
}

export interface TestNetworkOptions {
  /** How many hosts (1 to 200): HOST_1 is 10.x.y.11, HOST_2 10.x.y.12, … */
  hosts: number;
  /** The aliases' stem: `HOST` gives HOST_1, HOST_2, … */
  prefix?: string;
  /** The login on every host; `deploy` unless given. */
  user?: string;
}

export interface TestNetworkHost {
  /** The name the client config knows the host by (HOST_1, …). */
  alias: string;
  /** Its address on the bridge; sshd listens there on port 22. */
  address: string;
  netns: string;
  /** The root-namespace end of the host's veth: `cut()` sets it down. */
  link: string;
  /** sshd's log (LogLevel VERBOSE): one "Accepted publickey" line per handshake. */
  sshdLogFile: string;
  handshakes(): number;
  /** Unplugs the host: packets to and from it are dropped, nothing is refused or reset. */
  cut(): Promise<void>;
  /** Plugs it back in and waits (bounded) for the link to be up. */
  restore(): Promise<void>;
  /** Runs argv as root inside the host's namespace, without a shell; never throws. */
  exec(argv: string[], options?: { timeoutMs?: number }): Promise<ExecResult>;
}

export interface TestNetwork {
  hosts: TestNetworkHost[];
  /** One SSH client config (`ssh -F`) with a Host block per host. */
  clientConfig: string;
  /** One known_hosts with every host's key. */
  knownHostsFile: string;
  /** The one client key every host authorizes. */
  clientKey: string;
  user: string;
  bridge: string;
  /** The root namespace's address on the bridge (10.x.y.1). */
  gateway: string;
  /** Kills every process in the namespaces, deletes namespaces, links and files. Idempotent. */
  destroy(): Promise<void>;
}

/** Undefined when namespaces can be made here, else why not. */
export async function netnsUnavailable(): Promise<string | undefined> {
  const probe = `sy${randomBytes(4).toString('hex')}-probe`;
  const added = await run(['ip', 'netns', 'add', probe]);
  if (added.code !== 0) return `network namespaces are not permitted here (ip netns add: ${added.stderr.trim() || `exit ${added.code}`})`;
  await run(['ip', 'netns', 'delete', probe]);
  return undefined;
}

/** SIGKILLs every process in the namespace until none is left (bounded). */
async function killAll(netns: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const listed = await run(['ip', 'netns', 'pids', netns]);
    const pids = listed.code === 0 ? listed.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
    if (pids.length === 0) return;
    if (Date.now() > deadline) throw new Error(`processes left in netns ${netns}: ${pids.join(' ')}`);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitLinkUp(link: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (readFileSync(`/sys/class/net/${link}/operstate`, 'utf8').trim() !== 'up') {
    if (Date.now() > deadline) throw new Error(`${link} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A bridge with an address in a free 10.x.y.0/24, re-chosen if a parallel run took the same subnet meanwhile. */
async function addBridge(bridge: string, undo: Array<() => Promise<unknown>>): Promise<string> {
  await ip('link', 'add', bridge, 'type', 'bridge');
  undo.push(() => ip('link', 'delete', bridge));
  for (let attempt = 0; attempt < 10; attempt++) {
    const subnet = await freeSubnet();
    await ip('address', 'add', `${subnet}.1/24`, 'dev', bridge);
    if ((await conflicts(subnet, bridge)) === 0) {
      await ip('link', 'set', bridge, 'up');
      return subnet;
    }
    await ip('address', 'delete', `${subnet}.1/24`, 'dev', bridge);
  }
  throw new Error('could not claim a free subnet for the test network');
}

/**
 * Hosts in their own network namespaces on a private bridge, each with an sshd on its address,
 * port 22. No NAT and no default route: traffic stays between the namespaces and the bridge.
 * Throws NetnsUnavailable when namespaces cannot be made.
 */
export async function createTestNetwork(options: TestNetworkOptions): Promise<TestNetwork> {
  const count = options.hosts;
  if (!Number.isInteger(count) || count < 1 || count > 200) throw new Error(`hosts must be 1 to 200, not ${count}`);
  const reason = await netnsUnavailable();
  if (reason) throw new NetnsUnavailable(reason);
  const user = options.user ?? 'deploy';
  const prefix = options.prefix ?? 'HOST';
  ensureUser(user);
  // Interface names are at most 15 characters; a random id keeps parallel test files apart.
  const id = randomBytes(3).toString('hex');
  const bridge = `sy${id}br`;
  const undo: Array<() => Promise<unknown>> = [];
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-net-'));
  undo.push(async () => rmSync(dir, { recursive: true, force: true }));
  let destroyed: Promise<void> | undefined;
  const destroy = () =>
    (destroyed ??= (async () => {
      const errors: unknown[] = [];
      for (const step of undo.reverse()) await step().catch((error: unknown) => errors.push(error));
      if (errors.length > 0) throw new AggregateError(errors, `test network ${id}: cleanup failed`);
    })());
  try {
    chmodSync(dir, 0o755);
    const clientKey = join(dir, 'client_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'switchyard-test-network', '-f', clientKey]);
    const subnet = await addBridge(bridge, undo);
    const hosts: TestNetworkHost[] = [];
    const knownHosts: string[] = [];
    const blocks: string[] = [];
    const knownHostsFile = join(dir, 'known_hosts');
    for (let i = 1; i <= count; i++) {
      const netns = `switchyard-${id}-${i}`;
      const link = `sy${id}h${i}`;
      const address = `${subnet}.${10 + i}`;
      const alias = `${prefix}_${i}`;
      await ip('netns', 'add', netns);
      undo.push(async () => (await killAll(netns), ip('netns', 'delete', netns)));
      await ip('link', 'add', link, 'type', 'veth', 'peer', 'name', `sy${id}n${i}`, 'netns', netns);
      undo.push(() => ip('link', 'delete', link));
      await ip('link', 'set', link, 'master', bridge, 'up');
      await ip('-n', netns, 'link', 'set', `sy${id}n${i}`, 'name', 'eth0');
      await ip('-n', netns, 'address', 'add', `${address}/24`, 'dev', 'eth0');
      await ip('-n', netns, 'link', 'set', 'eth0', 'up');
      await ip('-n', netns, 'link', 'set', 'lo', 'up');
      const sshd = await startTestSshd({ user, alias, listenAddress: address, port: 22, netns, clientKey });
      undo.push(async () => (await killAll(netns), sshd.stop()));
      knownHosts.push(sshd.knownHostsLine);
      blocks.push(sshConfigBlock({ alias, address, port: 22, user, identityFile: clientKey, knownHostsFile }, ['ConnectTimeout 10']));
      hosts.push({
        alias,
        address,
        netns,
        link,
        sshdLogFile: sshd.logFile,
        handshakes: sshd.handshakes,
        cut: async () => void (await ip('link', 'set', link, 'down')),
        restore: async () => (await ip('link', 'set', link, 'up'), waitLinkUp(link)),
        exec: (argv, execOptions = {}) => run(['ip', 'netns', 'exec', netns, ...argv], execOptions.timeoutMs),
      });
    }
    writeFileSync(knownHostsFile, knownHosts.join(''));
    const clientConfig = join(dir, 'ssh_config');
    writeFileSync(clientConfig, blocks.join('\n'));
    await Promise.all(hosts.map((host) => waitLinkUp(host.link)));
    return { hosts, clientConfig, knownHostsFile, clientKey, user, bridge, gateway: `${subnet}.1`, destroy };
  } catch (error) {
    await destroy().catch(() => undefined);
    throw error;
  }
}
