import { describe, expect, it } from 'vitest';
import type { Migration } from '../src/migration';
import { parseMigration } from '../src/parse-migration';
import { migrationStatus, planBaseline, planDown, planRepair, planRevert, planUp } from '../src/plan';
import type { AppliedMigration } from '../src/schema';

const file = (name: string, options: { contract?: boolean; down?: boolean; body?: string } = {}): Migration => {
  const text = `${options.contract ? '-- switchyard: contract\n' : ''}-- migrate:up\n${options.body ?? `SELECT '${name}';`}\n${options.down === false ? '' : '-- migrate:down\nSELECT 0;\n'}`;
  const { migration } = parseMigration(`migrations/${name}.sql`, Buffer.from(text));
  if (!migration) throw new Error(`bad fixture ${name}`);
  return migration;
};

const applied = (migration: Migration, sha256 = migration.sha256): AppliedMigration => ({
  name: migration.name,
  sha256,
  phase: migration.phase,
  applied_at: new Date(0),
  duration_ms: 1,
  deploy_id: null,
});

const names = (migrations: readonly Migration[]) => migrations.map((migration) => migration.name);

const a = file('0001_a');
const b = file('0002_b', { contract: true });
const c = file('0003_c');
const d = file('0004_d', { contract: true, down: false });

describe('planUp', () => {
  it('runs the pending expand migrations in the expand phase and everything pending in the contract phase', () => {
    const done = [applied(a)];
    expect(names(planUp([a, b, c, d], done, { phase: 'expand', allowOutOfOrder: false }).migrations)).toEqual(['0003_c']);
    expect(names(planUp([a, b, c, d], done, { phase: 'contract', allowOutOfOrder: false }).migrations)).toEqual(['0002_b', '0003_c', '0004_d']);
  });

  it('lets a contract migration wait below an expand applied after it, but not below a later contract one', () => {
    // The expand phase ran 0003 while 0002 (contract) waited for the old colour to stop.
    const afterExpand = [applied(a), applied(c)];
    expect(planUp([a, b, c, d], afterExpand, { phase: 'contract', allowOutOfOrder: false })).toEqual({ migrations: [b, d], problems: [] });
    const late = planUp([a, b, c, d], [applied(a), applied(d)], { phase: 'contract', allowOutOfOrder: false });
    expect(late.problems).toEqual([
      {
        path: 'migrations/0002_b.sql',
        message: 'not applied, yet it sorts below 0004_d, which is: give it a number above the last applied migration, or allow out-of-order migrations',
      },
      expect.objectContaining({ path: 'migrations/0003_c.sql' }),
    ]);
    expect(planUp([a, b, c, d], [applied(a), applied(d)], { phase: 'contract', allowOutOfOrder: true })).toEqual({ migrations: [b, c], problems: [] });
  });

  it('refuses to run over an edited migration, naming it', () => {
    const { problems } = planUp([a, b], [applied(a, '0'.repeat(64))], { phase: 'contract', allowOutOfOrder: false });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('migrations/0001_a.sql');
    expect(problems[0]?.message).toMatch(/^edited after it was applied \(sha256 000000000000… then, [0-9a-f]{12}… now\): .* run repair/);
  });
});

describe('planDown', () => {
  it('reverts what was applied after the target, newest first', () => {
    expect(planDown([a, b, c], [applied(a), applied(b), applied(c)], '0001_a.sql')).toEqual({ migrations: [c, b], problems: [] });
    expect(planDown([a, b, c], [applied(a), applied(b), applied(c)], '0003_c').migrations).toEqual([]);
  });

  it('refuses a target that is not applied, a migration without down SQL and one whose file is gone', () => {
    const gone = applied(file('0005_gone'));
    const { problems } = planDown([a, b, c, d], [applied(a), applied(d), gone], '0002_b');
    expect(problems).toEqual([
      { path: '0002_b', message: 'not an applied migration: down reverts the migrations applied after the one it is given' },
      { path: '0005_gone.sql', message: 'applied, but not in the migrations folder: its down SQL is unknown' },
      { path: 'migrations/0004_d.sql', message: 'has no "-- migrate:down" SQL, so it cannot be reverted' },
    ]);
  });
});

describe('planRevert', () => {
  const at = (migration: Migration, second: number): AppliedMigration => ({ ...applied(migration), applied_at: new Date(second * 1000) });

  it('reverts the named migrations newest first as they ran, not as they sort', () => {
    // A deploy ran 0003_c (expand) before 0002_b (contract): 0002_b is reverted first.
    const journal = [at(a, 1), at(c, 2), at(b, 3)];
    expect(planRevert([a, b, c], journal, ['0003_c', '0002_b.sql'])).toEqual({ migrations: [b, c], problems: [] });
    expect(planRevert([a, b, c], journal, ['0003_c']).migrations).toEqual([c]);
  });

  it('refuses a migration that is not applied, has no down SQL, has no file or was edited', () => {
    const gone = applied(file('0005_gone'));
    const edited = applied(c, 'f'.repeat(64));
    const { problems } = planRevert([a, b, c, d], [applied(a), applied(d), gone, edited], ['0002_b', '0004_d', '0005_gone', '0003_c']);
    expect(problems.map((problem) => `${problem.path}: ${problem.message.split(' (')[0]}`)).toEqual([
      'migrations/0003_c.sql: edited after it was applied',
      '0002_b.sql: not applied: there is nothing to revert',
      '0005_gone.sql: applied, but not in the migrations folder: its down SQL is unknown',
      'migrations/0004_d.sql: has no "-- migrate:down" SQL, so it cannot be reverted',
    ]);
  });
});

describe('planBaseline and planRepair', () => {
  it('baselines the files up to the target that are not applied yet', () => {
    expect(planBaseline([a, b, c], [applied(a)], '0002_b')).toEqual({ migrations: [b], problems: [] });
    expect(planBaseline([a, b, c], [], '0009_x').problems[0]?.message).toBe('no migration file of that name: baseline records the files up to one that exists');
  });

  it('repairs exactly the edited migrations', () => {
    expect(planRepair([a, b, c], [applied(a, '0'.repeat(64)), applied(b)])).toEqual({ migrations: [a], problems: [] });
  });
});

describe('migrationStatus', () => {
  it('lists applied, pending, edited and file-less migrations in name order', () => {
    const gone = applied(file('0000_gone'));
    const rows = migrationStatus([a, b, c], [gone, applied(a), applied(c, 'f'.repeat(64))]);
    expect(rows.map((row) => [row.name, row.state, row.outOfOrder])).toEqual([
      ['0000_gone', 'no-file', false],
      ['0001_a', 'applied', false],
      ['0002_b', 'pending', false],
      ['0003_c', 'edited', false],
    ]);
  });
});
