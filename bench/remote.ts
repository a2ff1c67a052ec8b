// pnpm bench:remote [--rounds N] [--root DIR]
//
// Issue 8's figures, side by side in one run, on this machine:
//   1. A deploy over SSH to one server ÷ the same deploy on this machine (dependencies unchanged).
//   2. SSH handshakes per server per command, counted from each sshd's own log.
//   3. A deploy to three servers ÷ a deploy to one server.
//   4. `switch` over SSH to three servers, whole process, beside `bin/switchyard switch` here.
// The one server is an sshd on 127.0.0.1; the three are network namespaces on a bridge this
// benchmark makes (their traffic never leaves them). Plain processes, the app's request logs off.
// Everything started is stopped at the end, on failure and on Ctrl-C. Not a timed test: a MISS is
// printed; the exit code is 1 only when the benchmark itself broke.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, processesUnder } from '@switchyard/demo';
import { createTestNetwork, netnsUnavailable, startTestSshd } from '@switchyard/testbed';
import { benchArgs } from './lib/args';
import { cli, type Cli } from './lib/cli-timings';
import { cleanUpOnSignals, onCleanup, runCleanups } from './lib/cleanup';
import { type BenchProject, createProject } from './lib/project';
import { fixed, median, sec } from './lib/stats';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const PORTS = { local: 18240, one: 18241, three: 18242 };

const USAGE = `usage: pnpm bench:remote [--rounds N] [--root DIR]
Measures issue 8's figures on this machine (see bench/README.md): deploys and switches over SSH
to one server and to three, beside the same commands here. Needs root (network namespaces).`;

const args = benchArgs(
  {
    options: {
      rounds: { type: 'string', default: '5' },
      root: { type: 'string', default: '/tmp/switchyard-bench-remote' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  },
  USAGE,
);
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) {
  console.error(`--rounds: expected a whole number from 1 to 50\n${USAGE}`);
  process.exit(2);
}
const root = String(args.root);

type Json = Record<string, unknown>;
const editLocal = (project: BenchProject, edit: (local: Json) => Json) => {
  const path = join(project.configDir, 'local.json');
  writeFileSync(path, JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8')) as Json), null, 2));
};

/** A deploy root the SSH user owns, as server:init leaves it. */
function ownedRoot(path: string, user: string): string {
  mkdirSync(path, { recursive: true });
  const uid = Number(execFileSync('id', ['-u', user]).toString());
  chownSync(path, uid, uid);
  return path;
}

interface Target {
  label: string;
  project: BenchProject;
  /** Each server's handshake count so far. */
  handshakes(): number[];
}

const flags = (project: BenchProject) => ['--env', 'local', '--config-dir', project.configDir, '--json'];

async function timed(commands: Cli, name: string, target: Target, extra: string[]) {
  const before = target.handshakes();
  const run = await commands.bin(name, [...flags(target.project), ...extra]);
  if (run.code !== 0) throw new Error(`${target.label}: ${name} exited ${run.code}:\n${run.output.slice(-2000)}`);
  const after = target.handshakes();
  return { ms: run.ms, handshakes: after.map((count, i) => count - before[i]!) };
}

async function main(): Promise<void> {
  const why = await netnsUnavailable();
  if (why) throw new Error(`network namespaces are needed for the three servers: ${why}`);
  rmSync(root, { recursive: true, force: true });
  onCleanup(() => {
    for (const pid of processesUnder(root)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, { repeatOnSignal: true });
  const base = { projectConfigDir: join(REPO, 'config'), mode: 'socket' as const, keepOldWarm: false, upstreamKeepaliveMs: 400 };

  const local = await createProject({ ...base, root: join(root, 'local'), port: PORTS.local });
  // nginx stopped through its master first: SIGKILLed, a master leaves its workers holding the port.
  onCleanup(() => local.stop());
  const sshd = await startTestSshd();
  onCleanup(() => sshd.stop());
  const one = await createProject({ ...base, root: join(root, 'one'), port: PORTS.one });
  onCleanup(() => one.stop());
  editLocal(one, (config) => ({
    ...config,
    server: { type: 'ssh', host: sshd.alias, root: ownedRoot(join(root, 'one', 'srv'), sshd.user), ssh: { configFile: sshd.clientConfig }, privilege: 'none' },
  }));
  const network = await createTestNetwork({ hosts: 3 });
  onCleanup(() => network.destroy());
  const three = await createProject({ ...base, root: join(root, 'three'), port: PORTS.three });
  editLocal(three, (config) => ({
    ...config,
    server: {
      type: 'ssh',
      root: join(root, 'three', 'srv1'),
      hosts: network.hosts.map((host, i) => ({ host: host.alias, root: ownedRoot(join(root, 'three', `srv${i + 1}`), network.user) })),
      ssh: { configFile: network.clientConfig },
      privilege: 'none',
    },
    nginx: { ...(config.nginx as Json), listen: { address: '0.0.0.0', port: PORTS.three } },
  }));

  const targets: Target[] = [
    { label: 'this machine', project: local, handshakes: () => [] },
    { label: 'one server over SSH', project: one, handshakes: () => [sshd.handshakes()] },
    { label: 'three servers over SSH', project: three, handshakes: () => network.hosts.map((host) => host.handshakes()) },
  ];
  const commands = cli(REPO);
  console.log(`bench:remote — ${rounds} round(s); ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // The first deploy installs dependencies; the timed ones reuse them, as most deploys do.
  for (const target of targets) await timed(commands, 'deploy', target, ['--source', target.project.sources[0]]);
  const deploys = new Map<Target, number[]>(targets.map((t) => [t, []]));
  const handshakes: number[] = [];
  for (let i = 0; i < rounds; i++)
    for (const target of targets) {
      const run = await timed(commands, 'deploy', target, ['--source', target.project.sources[(i + 1) % 2]!]);
      deploys.get(target)!.push(run.ms);
      handshakes.push(...run.handshakes);
    }

  // Switches need both colours up: keep the old one warm and deploy once more.
  for (const target of [targets[0]!, targets[2]!]) {
    editLocal(target.project, (config) => ({ ...config, keepOldWarm: true }));
    await timed(commands, 'deploy', target, ['--source', target.project.sources[0]]);
  }
  const switches = new Map<Target, number[]>([[targets[0]!, []], [targets[2]!, []]]);
  for (let i = 0; i < rounds; i++)
    for (const target of switches.keys()) {
      const run = await timed(commands, 'switch', target, []);
      switches.get(target)!.push(run.ms);
      handshakes.push(...run.handshakes);
    }

  const m = (target: Target) => median(deploys.get(target)!);
  const [here, oneServer, threeServers] = targets.map(m) as [number, number, number];
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const sshRatio = oneServer / here;
  const fanRatio = threeServers / oneServer;
  const perCommand = [...new Set(handshakes)].sort();
  console.log('');
  for (const line of formatTable(
    ['figure', 'measured', 'target', ''],
    [
      ['deploy: this machine (median wall)', `${sec(here)} s`, '', ''],
      ['deploy: one server over SSH', `${sec(oneServer)} s`, '', ''],
      ['deploy: three servers over SSH', `${sec(threeServers)} s`, '', ''],
      ['one server over SSH ÷ this machine', fixed(sshRatio), '≤ 1.3', verdict(sshRatio <= 1.3)],
      ['three servers ÷ one server', fixed(fanRatio), '≤ 1.3', verdict(fanRatio <= 1.3)],
      ['SSH handshakes per server per command', perCommand.join(', '), '1', verdict(perCommand.length === 1 && perCommand[0] === 1)],
      ['switch: bin/switchyard here (median wall)', `${sec(median(switches.get(targets[0]!)!))} s`, '', ''],
      ['switch: three servers over SSH', `${sec(median(switches.get(targets[2]!)!))} s`, 'report', ''],
    ],
  ))
    console.log(line);
}

cleanUpOnSignals();
try {
  await main();
} catch (error) {
  console.error(`bench:remote failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await runCleanups();
}
