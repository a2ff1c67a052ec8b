// pnpm bench:startup [--runs N] [--profile COMMAND]
//
// What each command costs before it does anything: the bytes Node compiles at start (the command's
// bundle and the chunks it imports statically; chunks it loads on demand are counted apart), the
// packages those bytes come from, and the wall time of `node dist/commands/<command>.mjs --help`
// (Node's start, loading the bundle, parsing the command line) beside `node -e 0`, round after round.
// --profile COMMAND profiles that --help run (--cpu-prof) and prints the self time of each file it loaded.
// Reads dist/commands/meta.json (esbuild's metafile, written by pnpm build). Not a timed test.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '@switchyard/demo';
import { benchArgs } from './lib/args';
import { byPackage, bytesOf, closure, readMetafile } from './lib/bundle-closure';
import { timeChild } from './lib/child';
import { SERVER_ENV } from './lib/cli-timings';
import { fixed, median } from './lib/stats';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const COMMANDS_DIR = join(REPO, 'dist/commands');

const USAGE = `usage: pnpm bench:startup [--runs N] [--profile COMMAND]
Bytes loaded at start, by package, and --help wall time of each command beside node -e 0 (run pnpm build first).`;

const args = benchArgs(
  { options: { runs: { type: 'string', default: '9' }, profile: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } }, strict: true, allowPositionals: false },
  USAGE,
);
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
  console.error(`--runs: expected a whole number from 1 to 100\n${USAGE}`);
  process.exit(2);
}

const meta = readMetafile(COMMANDS_DIR);
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

const commands = readdirSync(COMMANDS_DIR)
  .filter((name) => name.endsWith('.mjs'))
  .map((name) => name.replace(/\.mjs$/, ''));

const print = (line = '') => console.log(line);
const table = (header: string[], rows: (string | number)[][]) => formatTable(header, rows).forEach((line) => print(`  ${line}`));

print(`bench:startup: Node ${process.version}, ${runs} rounds`);
print('\nLoaded at start (the bundle and its static chunks) and on demand (dynamic imports)');
table(
  ['command', 'at start', 'on demand', 'largest packages at start'],
  commands.map((command) => {
    const { atStart, onDemand } = closure(meta, command);
    const largest = byPackage(meta, atStart)
      .slice(0, 4)
      .map(([name, bytes]) => `${name} ${kb(bytes)}`)
      .join(', ');
    return [command, kb(bytesOf(meta, atStart)), kb(bytesOf(meta, onDemand)), largest];
  }),
);

// Round after round, every command once per round: a busy machine weighs on all of them alike.
const times = new Map<string, number[]>([['node -e 0', []], ...commands.map((c): [string, number[]] => [c, []])]);
for (let round = 0; round < runs; round++)
  for (const [label, samples] of times) {
    const argv = label === 'node -e 0' ? ['-e', '0'] : [join(COMMANDS_DIR, `${label}.mjs`), '--help'];
    const run = await timeChild(process.execPath, argv, { cwd: REPO, timeoutMs: 30_000, env: SERVER_ENV });
    if (run.code !== 0 && label === 'node -e 0') throw new Error(`node -e 0 exited ${run.code}`);
    samples.push(run.ms);
  }
const floor = median(times.get('node -e 0')!);
print(`\n--help wall time (Node start + load + parse the command line), medians of ${runs}, without NODE_EXTRA_CA_CERTS (as on a server)`);
table(
  ['command', 'ms', '÷ node -e 0'],
  [...times].map(([label, samples]) => [label === 'node -e 0' ? label : `${label} --help`, fixed(median(samples), 0), fixed(median(samples) / floor)]),
);

if (args.profile !== undefined) {
  const command = args.profile;
  if (!commands.includes(command)) {
    console.error(`--profile: expected one of ${commands.join(', ')}`);
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-profile-'));
  await timeChild(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100', join(COMMANDS_DIR, `${command}.mjs`), '--help'], { cwd: REPO, timeoutMs: 30_000 });
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))!;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  rmSync(dir, { recursive: true, force: true });
  print(`\nWhere ${command} --help spends its time (CPU profile, self time by file; a bundle's files with their largest packages)`);
  table(['file', 'ms', 'holds'], selfTimeByFile(profile).slice(0, 15).map(([name, us]) => [name, fixed(us / 1000, 1), holds(name)]));
}

interface CpuProfile {
  nodes: { id: number; callFrame: { url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time by the file its code came from: a command's bundle or chunk, one of Node's own modules, or Node itself (compiling, GC, idle). */
function selfTimeByFile(profile: CpuProfile): [string, number][] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const sums = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const url = nodes.get(id)!.callFrame.url;
    const name = url.startsWith('file://') ? url.replace(/^.*\/dist\/commands\//, '') : url === '' ? 'Node (compile, GC, idle)' : `Node (${url.replace(/^node:/, '')})`;
    sums.set(name, (sums.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...sums].sort((a, b) => b[1] - a[1]);
}

function holds(file: string): string {
  const key = Object.keys(meta.outputs).find((k) => k.endsWith(`dist/commands/${file}`));
  return key
    ? byPackage(meta, new Set([key]))
        .slice(0, 3)
        .map(([name, bytes]) => `${name} ${kb(bytes)}`)
        .join(', ')
    : '';
}
