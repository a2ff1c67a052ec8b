// pnpm bench:migrate [--quick]
//
// The migration runner's figures, side by side in one run, on this machine:
//   1. up() of 200 trivial migrations (bench/lib/trivial-migrations.ts) with @switchyard/migrate's
//      runner on a private PostgreSQL (15 here) and on PGlite, alternating, each run on an emptied
//      schema: the median of 3 runs. PGlite's fresh data directory (its initdb) and its reopening
//      are timed apart: a deploy pays the first once, `pnpm migrate` on PGlite the second every time.
//   2. `migrate status` with nothing pending on that PostgreSQL, whole process (the bundle, as
//      `pnpm migrate` runs it, against a project with DATABASE_URL in its .env), beside
//      `psql -c 'select 1'` on the same database, `migrate --help` and `node -e 0`: the median of
//      7 rounds each, and each ÷ psql.
// --quick (or BENCH_QUICK=1): 20 migrations, 1 run, 3 rounds; it checks that the benchmark works.
// Everything it starts is stopped and its temp folder removed, at the end, on failure and on Ctrl-C.
// Not a timed test: no targets; the exit code is 1 only when the benchmark itself broke.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { deepMerge } from '@switchyard/config';
import { formatTable, writeDemoConfig } from '@switchyard/demo';
import { createMigrator, type Database, type Migration, pgliteDatabase, postgresDatabase, readMigrationFolder } from '@switchyard/migrate';
import { postgresBinDir, postgresUnavailable, startTestPostgres } from '@switchyard/testbed';
import { benchArgs } from './lib/args';
import { timeChild } from './lib/child';
import { cleanUpOnSignals, onCleanup, runCleanups } from './lib/cleanup';
import { cli, rounds } from './lib/cli-timings';
import { now } from './lib/probe';
import { fixed, median, sec } from './lib/stats';
import { writeTrivialMigrations } from './lib/trivial-migrations';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
// Written into the status project's config only: migrate status starts no nginx.
const UNUSED_NGINX_PORT = 18250;

const USAGE = `usage: pnpm bench:migrate [--quick]
Times the migration runner on PostgreSQL 15 and PGlite, and migrate status beside psql (see
bench/README.md); --quick (or BENCH_QUICK=1) is a short check that it works.`;

const args = benchArgs(
  {
    options: {
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  },
  USAGE,
);
const quick = args.quick === true || process.env.BENCH_QUICK === '1';
const plan = quick ? { migrations: 20, runs: 1, rounds: 3 } : { migrations: 200, runs: 3, rounds: 7 };
// migrate status must read the URL from the project's .env: one in this environment would win over it.
delete process.env.DATABASE_URL;

/** up() of every migration on an emptied schema, timed alone (emptying and planning the runner aside). */
async function timeUp(db: Database, migrations: readonly Migration[]): Promise<number> {
  await db.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  const migrator = createMigrator({ db, migrations });
  const started = now();
  const report = await migrator.up();
  const ms = now() - started;
  if (report.steps.length !== migrations.length) throw new Error(`up() applied ${report.steps.length} of ${migrations.length} migrations`);
  return ms;
}

/** A project whose environment reads its migrations from PostgreSQL at DATABASE_URL, given in its .env (0600, as a secret file should be). */
function statusProject(root: string, source: string, url: string): string {
  const configDir = writeDemoConfig({ projectConfigDir: join(REPO, 'config'), root, port: UNUSED_NGINX_PORT, source });
  const localPath = join(configDir, 'local.json');
  const local = JSON.parse(readFileSync(localPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(localPath, JSON.stringify(deepMerge(local, { secrets: ['DATABASE_URL'], migrations: { database: 'postgres' } }), null, 2));
  writeFileSync(join(root, '.env'), `DATABASE_URL=${url}\n`, { mode: 0o600 });
  return configDir;
}

async function main(): Promise<void> {
  const why = postgresUnavailable();
  if (why) throw new Error(`PostgreSQL is needed: ${why}`);
  const psql = join(postgresBinDir()!, 'psql');
  const tmp = mkdtempSync(join(tmpdir(), 'switchyard-bench-migrate-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const source = join(tmp, 'src');
  writeTrivialMigrations(join(source, 'migrations'), plan.migrations);
  const migrations = await readMigrationFolder(join(source, 'migrations'));
  console.log(
    `bench:migrate — ${plan.migrations} migrations × ${plan.runs} run(s), status ${plan.rounds} round(s)${quick ? ' (quick)' : ''}; ` +
      `${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );

  const postgres = await startTestPostgres();
  onCleanup(() => postgres.stop());
  const pg = postgresDatabase(postgres.url);
  onCleanup(() => pg.close());
  // The newest one installed, which is not always 15.
  const version = (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version.split(' ')[0];

  const pgliteDir = join(tmp, 'pglite');
  let started = now();
  let pglite = await PGlite.create(pgliteDir);
  const createMs = now() - started;
  await pglite.close();
  started = now();
  pglite = await PGlite.create(pgliteDir);
  const reopenMs = now() - started;
  // An instance never closed keeps Node alive.
  onCleanup(() => pglite.close());
  const lite = pgliteDatabase(pglite);

  // Alternating, so that both see the same background (this machine may be busy with other work).
  const upMs = { postgres: [] as number[], pglite: [] as number[] };
  for (let i = 0; i < plan.runs; i++) {
    upMs.postgres.push(await timeUp(pg, migrations));
    upMs.pglite.push(await timeUp(lite, migrations));
  }

  // The last run left every migration applied on PostgreSQL: status has nothing pending.
  const configDir = statusProject(join(tmp, 'project'), source, postgres.url);
  const commands = cli(REPO);
  const statusArgs = ['status', '--env', 'local', '--config-dir', configDir, '--source', source];
  const warmUp = await commands.bin('migrate', statusArgs);
  if (warmUp.code !== 0 || !warmUp.output.includes('\n0 pending')) throw new Error(`migrate status exited ${warmUp.code}, expected 0 pending:\n${warmUp.output.slice(-2000)}`);
  const [status, help, psqlTimes, node] = await rounds(plan.rounds, [
    ['migrate status', () => commands.bin('migrate', statusArgs)],
    // Prints the usage and exits: Node's start and the bundle's load, without config or database.
    ['migrate --help', () => commands.bin('migrate', ['--help'])],
    ['psql', () => timeChild(psql, ['-X', '-c', 'select 1', postgres.url], { cwd: REPO, timeoutMs: 30_000 })],
    ['node -e 0', () => timeChild(process.execPath, ['-e', '0'], { cwd: REPO, timeoutMs: 30_000 })],
  ]);
  // The runner's own share of the command: its status() in this process, on a connection already open.
  const inProcessMs: number[] = [];
  for (let i = 0; i < plan.rounds; i++) {
    started = now();
    await createMigrator({ db: pg, migrations }).status();
    inProcessMs.push(now() - started);
  }
  const statusMs = median(status!.wallMs);
  const psqlMs = median(psqlTimes!.wallMs);

  const runs = (values: number[]) => values.map((v) => sec(v)).join(' ');
  const perMigration = (ms: number) => `${fixed(ms / plan.migrations)} ms`;
  console.log(`\nup() of ${plan.migrations} migrations, each run on an emptied schema (median of ${plan.runs})`);
  for (const line of formatTable(
    ['database', 'median', 'per migration', 'runs (s)'],
    [
      [`PostgreSQL ${version} (fsync off)`, `${sec(median(upMs.postgres))} s`, perMigration(median(upMs.postgres)), runs(upMs.postgres)],
      ['PGlite (data directory)', `${sec(median(upMs.pglite))} s`, perMigration(median(upMs.pglite)), runs(upMs.pglite)],
    ],
  ))
    console.log(`  ${line}`);
  console.log(`  PGlite ÷ PostgreSQL: ${fixed(median(upMs.pglite) / median(upMs.postgres))}`);
  console.log(`  not in those: PGlite's fresh data directory ${sec(createMs)} s, reopening it ${sec(reopenMs)} s`);

  console.log(`\nmigrate status, nothing pending (${plan.migrations} applied) on PostgreSQL, whole process (median of ${plan.rounds} rounds)`);
  const row = (label: string, ms: number) => [label, `${Math.round(ms)} ms`, fixed(ms / psqlMs, 1)];
  for (const line of formatTable(
    ['command', 'median', '÷ psql'],
    [
      row('bin/switchyard migrate status', statusMs),
      row('bin/switchyard migrate --help (start + bundle load)', median(help!.wallMs)),
      row(`psql -X -c 'select 1'`, psqlMs),
      row('node -e 0 (Node start alone)', median(node!.wallMs)),
      row('migrator.status() in this process', median(inProcessMs)),
    ],
  ))
    console.log(`  ${line}`);
}

cleanUpOnSignals();
try {
  await main();
} catch (error) {
  console.error(`bench:migrate failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await runCleanups();
}
