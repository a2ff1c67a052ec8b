// pnpm bench:assets [--quick] [--runs N]
//
// Issue 11's figures, side by side in one run: Switchyard's publishAssets against `aws s3 sync`
// (Debian's aws-cli 2, /usr/bin/aws) and `rclone sync` (Debian's rclone), on the same local
// S3-compatible server (s3rver from @switchyard/testbed, one bucket per tool), on a generated
// folder of 1,000 files of mixed sizes, 10 of them 9 MiB. Three cases, in this order on each
// tool's bucket: the first publish into the empty bucket; a re-publish with 10 files changed; a
// re-publish with nothing changed. Every tool runs as a whole process, spawn to exit (Switchyard's
// as a bundle of bench/lib/publish-command.ts), with 16 requests in flight. Each run starts a
// fresh server; the tools' order rotates from run to run. Medians of 5 runs (--runs N).
// Printed: every figure, and Switchyard ÷ the faster of the two tools beside the goals;
// then the floors (see Floors): what this server and Node allow with the objects Switchyard writes.
// --quick (or BENCH_QUICK=1): 200 files, one of 9 MiB, 1 run; it checks that the benchmark works.
// Everything it starts is stopped and its temp folder removed, at the end, on failure and on Ctrl-C.
// Not a timed test: a MISS is printed, not failed; the exit code is 1 only when the benchmark broke.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createS3Client, s3Store } from '@switchyard/assets/s3';
import { formatTable } from '@switchyard/demo';
import { startTestS3, type TestS3 } from '@switchyard/testbed';
import { build } from 'esbuild';
import { benchArgs } from './lib/args';
import { type AssetFolder, changeFiles, writeAssetFolder } from './lib/asset-files';
import { cleanUpOnSignals, onCleanup, runCleanups } from './lib/cleanup';
import { fixed, median, sec } from './lib/stats';
import { awsTool, IN_FLIGHT, missingTools, nodeStartMs, rcloneTool, type SyncRun, type SyncTool, switchyardTool } from './lib/sync-tools';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHANGED = 10;

const USAGE = `usage: pnpm bench:assets [--quick] [--runs N]
Times Switchyard's publishAssets beside aws s3 sync and rclone sync on a local s3rver (see
bench/README.md); --quick (or BENCH_QUICK=1) is a short check that it works.`;

const args = benchArgs(
  {
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  },
  USAGE,
);
const quick = args.quick === true || process.env.BENCH_QUICK === '1';
const runs = args.runs === undefined ? (quick ? 1 : 5) : Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a whole number from 1, not ${args.runs}\n${USAGE}`);
  process.exit(2);
}
const plan = quick ? { files: 200, large: 1 } : { files: 1000, large: 10 };

const CASES = [
  { name: 'first publish', release: 'first', goal: 1.0 },
  { name: `${CHANGED} files changed`, release: 'changed', goal: 0.3 },
  { name: 'nothing changed', release: 'unchanged', goal: 0.3 },
] as const;
type CaseName = (typeof CASES)[number]['name'];

/**
 * Bundled as the deploy commands are (plain Node, no TypeScript compiled at start-up), with the
 * two settings scripts/build-commands.mjs explains: jsonc-parser's ES module build (its UMD main
 * cannot be bundled) and a require() for the CommonJS dependencies.
 */
async function bundlePublishCommand(tmp: string): Promise<string> {
  const outfile = join(tmp, 'publish.mjs');
  await build({
    entryPoints: [join(REPO, 'bench/lib/publish-command.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __sy_createRequire } from 'node:module'; const require = __sy_createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

/** What a tool's first publish left in its bucket: its objects and their bytes, as the server lists them. */
async function bucketContents(s3: TestS3, bucket: string): Promise<{ objects: number; bytes: number }> {
  const client = createS3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });
  try {
    const listed = await s3Store({ client, bucket }).list();
    return { objects: listed.length, bytes: listed.reduce((sum, object) => sum + object.size, 0) };
  } finally {
    client.destroy();
  }
}

/** The peers store the folder as it is: a count or a size that differs means a broken upload (s3rver keeping chunk framing, say). */
async function checkCopies(s3: TestS3, folder: AssetFolder, peers: readonly SyncTool[], buckets: Map<SyncTool, string>): Promise<void> {
  for (const tool of peers) {
    const { objects, bytes } = await bucketContents(s3, buckets.get(tool)!);
    if (objects !== folder.paths.length || bytes !== folder.bytes)
      throw new Error(`${tool.name} left ${objects} objects, ${bytes} bytes; the folder holds ${folder.paths.length} files, ${folder.bytes} bytes`);
  }
}

type Figures = Map<CaseName, Map<string, SyncRun[]>>;

/**
 * What no re-publish that lists the store (as issue 11 prescribes) can go below, timed after the
 * three cases: Node's start, and the faster peer's own lister over Switchyard's bucket (which holds
 * the originals beside the fingerprinted files) and over its own; and the first publish of the
 * very objects Switchyard writes, by the faster peer: how fast this server takes that many.
 */
interface Floors {
  nodeMs: number[];
  /** rclone sync's first publish of the objects Switchyard's first publish wrote (fetched from its bucket into a folder). */
  sameObjectsMs: number[];
  listOwnMs: number[];
  listSwitchyardMs: number[];
  switchyardObjects: number;
}

/** One run: a fresh server with a bucket per tool, the three cases in order, each case tool after tool (rotated by run). */
async function oneRun(run: number, folder: AssetFolder, tmp: string, bundle: string, figures: Figures, floors: Floors): Promise<void> {
  const s3 = await startTestS3('switchyard', 'aws', 'rclone', 'rclone-same');
  const stopServer = onCleanup(() => s3.stop());
  // A first publish is of a new build, whose files no earlier publish has hashed: the cache starts empty.
  const hashCache = join(tmp, 'switchyard-hashes.json');
  rmSync(hashCache, { force: true });
  const rclone = rcloneTool(s3, tmp, REPO);
  const all = [switchyardTool(s3, bundle, REPO, hashCache), awsTool(s3, tmp, REPO), rclone];
  const buckets = new Map(all.map((tool, i) => [tool, ['switchyard', 'aws', 'rclone'][i]!]));
  const tools = [...all.slice(run % all.length), ...all.slice(0, run % all.length)];
  let undo: (() => void) | undefined;
  try {
    for (const [index, { name, release }] of CASES.entries()) {
      if (index === 1) undo = changeFiles(folder, CHANGED);
      for (const tool of tools) {
        const result = await tool.run(buckets.get(tool)!, folder.dir, `${release}-${run}`);
        const byTool = figures.get(name)!;
        byTool.set(tool.name, [...(byTool.get(tool.name) ?? []), result]);
      }
      if (index === 0) await checkCopies(s3, folder, all.slice(1), buckets);
    }
    floors.nodeMs.push(await nodeStartMs(REPO));
    floors.listOwnMs.push(await rclone.list('rclone'));
    floors.listSwitchyardMs.push(await rclone.list('switchyard'));
    floors.switchyardObjects = (await bucketContents(s3, 'switchyard')).objects;
    const same = join(tmp, `switchyard-objects-${run}`);
    await rclone.download('switchyard', same);
    floors.sameObjectsMs.push((await rclone.run('rclone-same', same, 'same')).ms);
    rmSync(same, { recursive: true, force: true });
  } finally {
    undo?.();
    stopServer();
    await s3.stop();
  }
  const line = CASES.map(({ name }) => `${name} ${all.map((tool) => sec(figures.get(name)!.get(tool.name)!.at(-1)!.ms)).join('/')}`);
  console.log(`  run ${run + 1}/${runs} (load ${loadavg()[0]!.toFixed(2)}): ${line.join('; ')} s (Switchyard/aws/rclone)`);
}

function report(figures: Figures, floors: Floors, toolNames: readonly string[]): void {
  for (const { name } of CASES) {
    const byTool = figures.get(name)!;
    console.log(`\n${name} (median of ${runs}; whole process, spawn to exit)`);
    const rows = toolNames.map((tool) => {
      const results = byTool.get(tool)!;
      const ms = results.map((r) => r.ms);
      const written = [...new Set(results.map((r) => r.written))].join('/');
      return [tool, `${sec(median(ms))} s`, ms.map((v) => sec(v)).join(' '), written];
    });
    const publishMs = byTool.get(toolNames[0]!)!.map((r) => r.publishMs ?? Number.NaN);
    rows.splice(1, 0, ['  of which publishAssets() itself', `${sec(median(publishMs))} s`, publishMs.map((v) => sec(v)).join(' '), '']);
    for (const line of formatTable(['tool', 'median', 'runs (s)', 'objects written'], rows)) console.log(`  ${line}`);
  }

  console.log('\nSwitchyard ÷ the faster of aws s3 sync and rclone sync (medians, whole process)');
  const [switchyard, ...peers] = toolNames;
  const rows = CASES.map(({ name, goal }) => {
    const medianOf = (tool: string) => median(figures.get(name)!.get(tool)!.map((r) => r.ms));
    const fastest = peers.reduce((best, tool) => (medianOf(tool) < medianOf(best) ? tool : best));
    const ratio = medianOf(switchyard!) / medianOf(fastest);
    return [name, `${sec(medianOf(switchyard!))} s`, `${fastest} ${sec(medianOf(fastest))} s`, `${fixed(ratio)}×`, `≤ ${fixed(goal, 1)}×`, ratio <= goal ? 'PASS' : 'MISS'];
  });
  for (const line of formatTable(['case', 'Switchyard', 'faster peer', 'ratio', 'goal', ''], rows)) console.log(`  ${line}`);

  const fastestUnchanged = Math.min(...peers.map((tool) => median(figures.get('nothing changed')!.get(tool)!.map((r) => r.ms))));
  const floorMs = median(floors.nodeMs) + median(floors.listSwitchyardMs);
  console.log(`\nFloors: what this server and Node allow, with the objects Switchyard writes (medians of ${runs})`);
  const fastestFirst = Math.min(...peers.map((tool) => median(figures.get('first publish')!.get(tool)!.map((r) => r.ms))));
  const floorRows = [
    [`rclone sync, first publish of Switchyard's ${floors.switchyardObjects} objects`, `${sec(median(floors.sameObjectsMs))} s`, floors.sameObjectsMs.map((v) => sec(v)).join(' ')],
    ['node -e 0', `${sec(median(floors.nodeMs))} s`, floors.nodeMs.map((v) => sec(v)).join(' ')],
    [`rclone lsf, Switchyard's bucket (${floors.switchyardObjects} objects)`, `${sec(median(floors.listSwitchyardMs))} s`, floors.listSwitchyardMs.map((v) => sec(v)).join(' ')],
    [`rclone lsf, rclone's bucket (${figures.get('first publish')!.get('rclone sync')!.at(-1)!.written} objects)`, `${sec(median(floors.listOwnMs))} s`, floors.listOwnMs.map((v) => sec(v)).join(' ')],
  ];
  for (const line of formatTable(['what', 'median', 'runs (s)'], floorRows)) console.log(`  ${line}`);
  console.log(`  rclone writing Switchyard's objects: ${fixed(median(floors.sameObjectsMs) / fastestFirst)}× the faster peer's first publish of the folder`);
  console.log(`  node's start + listing Switchyard's bucket: ${sec(floorMs)} s = ${fixed(floorMs / fastestUnchanged)}× the faster peer's "nothing changed"`);
}

async function main(): Promise<void> {
  const missing = missingTools();
  if (missing.length > 0) throw new Error(`needed: ${missing.join(', ')}; scripts/bootstrap.sh installs them`);
  const tmp = mkdtempSync(join(tmpdir(), 'switchyard-bench-assets-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const folder = writeAssetFolder(join(tmp, 'site'), plan);
  const bundle = await bundlePublishCommand(tmp);
  console.log(
    `bench:assets — ${folder.paths.length} files (${plan.large} of 9 MiB), ${fixed(folder.bytes / 2 ** 20, 1)} MiB, ${runs} run(s)${quick ? ' (quick)' : ''}; ` +
      `${IN_FLIGHT} requests in flight for each tool; ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  const figures: Figures = new Map(CASES.map(({ name }) => [name, new Map()]));
  const floors: Floors = { nodeMs: [], sameObjectsMs: [], listOwnMs: [], listSwitchyardMs: [], switchyardObjects: 0 };
  for (let run = 0; run < runs; run++) await oneRun(run, folder, tmp, bundle, figures, floors);
  report(figures, floors, ['Switchyard publishAssets', 'aws s3 sync', 'rclone sync']);
  console.log(`\nload at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}: on a machine busy with other work, compare runs made under the same conditions.`);
}

cleanUpOnSignals();
try {
  await main();
} catch (error) {
  console.error(`bench:assets failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await runCleanups();
}
