import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type Config, UsageError } from '@switchyard/config';
import { createMigrationFile, migrationsOf, readReleaseMigrations, safetyFindings, UnsafeMigrations, withEnvironmentDatabase } from '@switchyard/deploy/migrations';
import { createMigrator, formatFinding, type Migration, type MigrationStatus, type RunReport } from '@switchyard/migrate';
import { loadConfigOrThrow, parseCommandLine, print, runCommand } from './lib/cli';
import { wordsOf } from './lib/words';

const USAGE = `usage: pnpm migrate <action> [--env NAME] [--source DIR] [--dry-run] [--json] [--trust-new-host-key]
  status                 what is applied, pending (expand or contract), edited or without a file
  up [--phase expand]    runs what is pending (expand: only what the old colour tolerates), after
                         the safety check; [--allow-out-of-order]
  down --to NAME         reverts every migration after NAME, newest first
  check [--all]          the safety check of the pending migrations (every one with --all)
  create NAME            migrations/NNNN_NAME.sql, numbered after the last one
  baseline --to NAME     records every migration up to NAME as applied, without running it
  repair                 accepts the current checksum of every edited migration
Migrations are read from the source directory (config source.path, or --source); the database is
the environment's (migrations.database: PostgreSQL at the URL secret, reached as the first server
reaches it, through its SSH connection; or PGlite under the deploy root).`;

const ACTIONS = ['status', 'up', 'down', 'check', 'create', 'baseline', 'repair'] as const;
type Action = (typeof ACTIONS)[number];

function sourceDir(config: Config, override: string | undefined): string {
  if (override !== undefined) return isAbsolute(override) ? override : resolve(process.cwd(), override);
  if (config.source.type !== 'path')
    throw new UsageError(`${config.paths.configFile}: source is a git repository; pnpm migrate reads migrations from a directory: give it with --source DIR`);
  return isAbsolute(config.source.path) ? config.source.path : resolve(config.paths.projectRoot, config.source.path);
}

const statusLine = (s: MigrationStatus) =>
  `  ${s.name.padEnd(36)} ${s.phase.padEnd(9)} ${s.state}${s.applied ? ` ${s.applied.applied_at.toISOString()}` : ''}${s.outOfOrder ? ' (out of order)' : ''}`;

function reportLines(report: RunReport): string[] {
  const verb = report.direction === 'up' ? 'applied' : 'reverted';
  if (report.steps.length === 0) return [`nothing to ${report.direction === 'up' ? 'apply' : 'revert'}`];
  if (report.dryRun)
    return report.steps.flatMap((step) => [`would run ${step.migration.path} (${report.direction}):`, ...step.sql.trimEnd().split('\n').map((line) => `    ${line}`)]);
  return [...report.steps.map((step) => `  ${verb} ${step.migration.name} (${step.migration.phase}) in ${step.durationMs} ms`), `${report.steps.length} migration(s) ${verb}`];
}

const VALUE_FLAGS = new Set(['--env', '--config-dir', '--source', '--to', '--phase']);

await runCommand(async () => {
  const { words, flags } = wordsOf(process.argv.slice(2), VALUE_FLAGS);
  const [first, name, ...extra] = words;
  const action = ACTIONS.find((a) => a === first);
  if (!action) {
    if (flags.includes('--help') || flags.includes('-h')) return print(USAGE);
    throw new UsageError(`pnpm migrate: expected an action (${ACTIONS.join(', ')}), got ${first === undefined ? 'none' : JSON.stringify(first)}\n${USAGE}`);
  }
  const takesName = action === 'create';
  if (extra.length > 0 || (name !== undefined && !takesName)) throw new UsageError(`pnpm migrate ${action}: unexpected ${JSON.stringify(takesName ? extra[0] : name)}\n${USAGE}`);
  const args = parseCommandLine(
    USAGE,
    {
      source: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      to: { type: 'string' },
      phase: { type: 'string' },
      all: { type: 'boolean', default: false },
      'allow-out-of-order': { type: 'boolean', default: false },
      'trust-new-host-key': { type: 'boolean', default: false },
    },
    flags,
  );
  const config = await loadConfigOrThrow(args.env, args['config-dir']);
  migrationsOf(config);
  const source = sourceDir(config, args.source as string | undefined);
  const to = args.to as string | undefined;
  const needTo = () => {
    if (to === undefined) throw new UsageError(`pnpm migrate ${action}: expected --to NAME (a migration, such as 0002_add_price)`);
    return to;
  };
  const phase = args.phase as string | undefined;
  if (phase !== undefined && phase !== 'expand' && phase !== 'contract') throw new UsageError(`--phase: expected "expand" or "contract", got ${JSON.stringify(phase)}`);
  const output = (human: string[], json: unknown) => print(args.json ? JSON.stringify(json) : human.join('\n'));

  if (action === 'create') {
    if (name === undefined) throw new UsageError('pnpm migrate create: expected a NAME, such as add_price_to_products');
    const path = createMigrationFile(resolve(source, migrationsOf(config).directory), name);
    return output([`created ${path}`], { created: path });
  }

  const folder = resolve(source, migrationsOf(config).directory);
  // The local environment migrates by default: an app without migrations is told so, not failed.
  if (!existsSync(folder)) return output([`no migrations folder at ${folder}: nothing to do (pnpm migrate create NAME starts one)`], { migrations: [] });
  const { migrations } = await readReleaseMigrations(config, source);
  await withEnvironmentDatabase(config, { trustNewHostKey: args['trust-new-host-key'] === true }, async (db) => {
    const migrator = createMigrator({ db, migrations });
    const check = async (list: readonly Migration[]) => (await safetyFindings(list)).map(formatFinding);
    const pending = async () => (await migrator.status()).filter((s) => s.state === 'pending' && s.migration).map((s) => s.migration!);
    switch (action satisfies Action) {
      case 'status': {
        const statuses = await migrator.status();
        const waiting = statuses.filter((s) => s.state === 'pending');
        const contract = waiting.filter((s) => s.phase === 'contract').length;
        return output(
          [...statuses.map(statusLine), `${waiting.length} pending (${waiting.length - contract} expand, ${contract} contract)`],
          { migrations: statuses.map(({ migration: _m, ...s }) => s) },
        );
      }
      case 'check': {
        const findings = await check(args.all ? migrations : await pending());
        if (findings.length > 0) throw new UnsafeMigrations(findings);
        return output(['the safety check finds nothing to refuse'], { findings: [] });
      }
      case 'up': {
        const options = { phase: (phase ?? 'contract') as 'expand' | 'contract', allowOutOfOrder: args['allow-out-of-order'] === true };
        const planned = await migrator.up({ ...options, dryRun: true });
        const findings = await check(planned.steps.map((step) => step.migration));
        if (findings.length > 0) throw new UnsafeMigrations(findings);
        const report = args['dry-run'] ? planned : await migrator.up(options);
        return output(reportLines(report), { direction: 'up', dryRun: report.dryRun, migrations: report.steps.map((s) => ({ name: s.migration.name, durationMs: s.durationMs })) });
      }
      case 'down': {
        const report = await migrator.down({ to: needTo(), dryRun: args['dry-run'] === true });
        return output(reportLines(report), { direction: 'down', dryRun: report.dryRun, migrations: report.steps.map((s) => ({ name: s.migration.name, durationMs: s.durationMs })) });
      }
      case 'baseline': {
        const recorded = await migrator.baseline({ to: needTo() });
        return output([`${recorded.length} migration(s) recorded as applied without running them`], { baseline: recorded.map((m) => m.name) });
      }
      case 'repair': {
        const repaired = await migrator.repair();
        return output([repaired.length === 0 ? 'no migration was edited' : `accepted the current checksum of ${repaired.map((m) => m.name).join(', ')}`], { repaired: repaired.map((m) => m.name) });
      }
    }
  });
});
