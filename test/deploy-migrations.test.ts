import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postgresUnavailable, startTestPostgres } from '@switchyard/testbed';
import { describe, expect, it } from 'vitest';
import { deployProject, type DeployProject } from './support/deploy-project';
import { remoteProject } from './support/remote-project';

/*
 * Migrations inside deploys, through the real command line, on a private PostgreSQL 15: expand
 * before the new colour starts, contract once the old one has stopped, and an unsafe migration
 * refused before anything starts.
 */

const MIGRATIONS: Record<string, string> = {
  '0001_create_products.sql': '-- migrate:up\nCREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL, legacy_code text);\n-- migrate:down\nDROP TABLE products;\n',
  '0002_add_price.sql': '-- migrate:up\nALTER TABLE products ADD COLUMN price_cents integer;\n-- migrate:down\nALTER TABLE products DROP COLUMN price_cents;\n',
  '0003_drop_legacy_code.sql':
    '-- switchyard: contract\n-- The old colour still reads legacy_code.\n\n-- migrate:up\nALTER TABLE products DROP COLUMN legacy_code;\n-- migrate:down\nALTER TABLE products ADD COLUMN legacy_code text;\n',
  '0004_index_names.sql': '-- migrate:up\nCREATE INDEX products_name ON products (name);\n',
  '0005_add_sku.sql': '-- migrate:up\nALTER TABLE products ADD COLUMN sku text;\n',
};

/** catalog-app <version> whose migrations/ holds the named ones. */
const releaseWith = (project: DeployProject, version: string, names: string[]) =>
  project.release(version, { migrations: Object.fromEntries(names.map((name) => [name, MIGRATIONS[name]!])) });

const stepLines = (output: string) => output.split('\n').filter((line) => /^ {2}▸ |^ {4}(applied|reverted|no \w+ migration)/.test(line));

const unavailable = postgresUnavailable();

describe.skipIf(unavailable !== undefined)(`migrations in deploys (PostgreSQL 15)${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('expand before the new colour starts, contract after the old one stops; an unsafe one stops the deploy before anything starts', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const postgres = await startTestPostgres();
    onTestFinished(() => postgres.stop());
    const project = await deployProject(19182, { migrations: { database: 'postgres' }, secrets: ['DATABASE_URL'] });
    onTestFinished(() => project.cleanup());
    writeFileSync(join(project.dir, '.env'), `DATABASE_URL=${postgres.url}\n`, { mode: 0o600 });

    const first = await project.deploy(await releaseWith(project, '1.0.0', ['0001_create_products.sql']));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/▸ Run expand migrations \(what the live colour tolerates\)\n {4}applied 0001_create_products in \d+ ms/);

    const second = await project.deploy(await releaseWith(project, '2.0.0', ['0001_create_products.sql', '0002_add_price.sql', '0003_drop_legacy_code.sql']));
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const steps = stepLines(second.stdout);
    const at = (pattern: RegExp) => steps.findIndex((line) => pattern.test(line));
    expect(at(/applied 0002_add_price/)).toBeGreaterThan(at(/▸ Run expand migrations/));
    expect(at(/applied 0002_add_price/)).toBeLessThan(at(/▸ Start green/));
    expect(at(/applied 0003_drop_legacy_code/)).toBeGreaterThan(at(/▸ Drain and stop blue/));
    expect(at(/applied 0003_drop_legacy_code/)).toBeGreaterThan(at(/▸ Run contract migrations/));

    const unsafe = await project.deploy(await releaseWith(project, '3.0.0', ['0001_create_products.sql', '0002_add_price.sql', '0003_drop_legacy_code.sql', '0004_index_names.sql']));
    expect(unsafe.code, unsafe.stdout + unsafe.stderr).toBe(1);
    expect(unsafe.stderr).toMatch(/0004_index_names\.sql:2: index-not-concurrent: .*\nthe safety check refuses this migration; nothing ran/);
    expect(unsafe.stdout).not.toContain('▸ Start blue');
    expect(await project.liveColor()).toBe('green');

    const status = await project.run('migrate.ts', ['status', '--source', join(project.dir, 'src/3.0.0')]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/0003_drop_legacy_code +contract +applied .*\n {2}0004_index_names +expand +pending/);
  });

  it('rollback: refused past a contract migration; --migrations reverts it before the old release starts and the expand one after the new colour stops', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const postgres = await startTestPostgres();
    onTestFinished(() => postgres.stop());
    const project = await deployProject(19187, { migrations: { database: 'postgres' }, secrets: ['DATABASE_URL'] });
    onTestFinished(() => project.cleanup());
    writeFileSync(join(project.dir, '.env'), `DATABASE_URL=${postgres.url}\n`, { mode: 0o600 });
    const columns = () =>
      execFileSync('psql', [postgres.url, '-Atc', "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'products'"], { encoding: 'utf8' }).trim();
    const applied = async (version: string) => (await project.run('migrate.ts', ['status', '--source', join(project.dir, 'src', version)])).stdout;

    expect((await project.deploy(await releaseWith(project, '1.0.0', ['0001_create_products.sql']))).code).toBe(0);
    const expandOnly = await project.deploy(await releaseWith(project, '2.0.0', ['0001_create_products.sql', '0002_add_price.sql']));
    expect(expandOnly.code, expandOnly.stderr).toBe(0);
    // Back over an expand migration: 1.0.0 ran beside it, so it stays.
    const overExpand = await project.run('rollback.ts');
    expect(overExpand.code, overExpand.stdout + overExpand.stderr).toBe(0);
    expect(overExpand.stdout).toContain('0002_add_price stays applied: release');
    expect(columns()).toBe('id,legacy_code,name,price_cents');

    const contract = await project.deploy(await releaseWith(project, '3.0.0', ['0001_create_products.sql', '0002_add_price.sql', '0003_drop_legacy_code.sql']));
    expect(contract.code, contract.stderr).toBe(0);
    expect(columns()).toBe('id,name,price_cents');
    const live = await project.liveColor();

    // 1.0.0 reads legacy_code, which 3.0.0's contract migration dropped: refused, nothing touched.
    const refused = await project.run('rollback.ts');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/rolling back to \S+ would go back past the contract migration 0003_drop_legacy_code \(applied by deploy \S+\), which removed what \S+'s code may still use: roll back with --migrations/);
    expect(await project.liveColor()).toBe(live);
    expect(columns()).toBe('id,name,price_cents');

    const reverted = await project.run('rollback.ts', ['--migrations']);
    expect(reverted.code, reverted.stdout + reverted.stderr).toBe(0);
    const steps = stepLines(reverted.stdout);
    const at = (pattern: RegExp) => steps.findIndex((line) => pattern.test(line));
    expect(at(/reverted 0003_drop_legacy_code \(contract\)/)).toBeLessThan(at(/▸ Start /));
    expect(at(/reverted 0002_add_price \(expand\)/)).toBeGreaterThan(at(/▸ Drain and stop /));
    expect(await project.liveColor()).not.toBe(live);
    expect(columns()).toBe('id,legacy_code,name');
    expect(await applied('3.0.0')).toMatch(/0002_add_price +expand +pending\n {2}0003_drop_legacy_code +contract +pending/);

    // Forward again by rollback to 3.0.0, whose expand migration is gone: refused; a deploy is the way.
    const back = await project.run('rollback.ts');
    expect(back.code).toBe(1);
    expect(back.stderr).toMatch(/release \S+ expects 0002_add_price, which is not applied \(reverted after it ran\): deploy it again/);
  });

  it('kept warm, the old colour holds back the contract migrations: status says so, and the next deploy runs them once that colour stops', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const postgres = await startTestPostgres();
    onTestFinished(() => postgres.stop());
    const project = await deployProject(19188, { migrations: { database: 'postgres' }, secrets: ['DATABASE_URL'], keepOldWarm: true });
    onTestFinished(() => project.cleanup());
    writeFileSync(join(project.dir, '.env'), `DATABASE_URL=${postgres.url}\n`, { mode: 0o600 });
    const all = ['0001_create_products.sql', '0002_add_price.sql', '0003_drop_legacy_code.sql'];

    expect((await project.deploy(await releaseWith(project, '1.0.0', all.slice(0, 1)))).code).toBe(0);
    const second = await project.deploy(await releaseWith(project, '2.0.0', all));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('applied 0002_add_price');
    expect(second.stdout).not.toContain('0003_drop_legacy_code');
    const waiting = await project.run('status.ts');
    expect(waiting.stdout).toContain(
      'migrations: 1 pending — 0003_drop_legacy_code (contract): they run at the next deploy once the old colour has stopped, or with `pnpm migrate up`',
    );

    const third = await project.deploy(await releaseWith(project, '3.0.0', [...all, '0005_add_sku.sql']));
    expect(third.code, third.stdout + third.stderr).toBe(0);
    const steps = stepLines(third.stdout);
    const at = (pattern: RegExp) => steps.findIndex((line) => pattern.test(line));
    expect(at(/▸ Drain and stop blue/)).toBeLessThan(at(/▸ Run the contract migrations \S+ left waiting \(blue has stopped\)/));
    expect(at(/applied 0003_drop_legacy_code/)).toBeLessThan(at(/applied 0005_add_sku/));
    expect(at(/applied 0005_add_sku/)).toBeLessThan(at(/▸ Start blue/));
    expect((await project.run('status.ts')).stdout).toContain('migrations: every migration of the live release is applied');
  });

  it('to a server over SSH: the migrations reach the database as the server does, through its connection', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const postgres = await startTestPostgres();
    onTestFinished(() => postgres.stop());
    const { project } = await remoteProject(19183, onTestFinished);
    project.configure({ migrations: { database: 'postgres' }, secrets: ['DATABASE_URL'] });
    writeFileSync(join(project.dir, '.env'), `DATABASE_URL=${postgres.url}\n`, { mode: 0o600 });
    const deploy = await project.deploy(await releaseWith(project, '1.0.0', ['0001_create_products.sql', '0002_add_price.sql']));
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(deploy.stdout).toMatch(/\[TEST_SERVER\]     applied 0001_create_products in \d+ ms\n\[TEST_SERVER\]     applied 0002_add_price in \d+ ms/);
    const status = await project.run('migrate.ts', ['status', '--source', join(project.dir, 'src/1.0.0')]);
    expect(status.stdout).toMatch(/0 pending/);
  });
});

const DJANGO = join(import.meta.dirname, '..', 'examples/django-site');

describe("an app's own migration tool (Django's manage.py migrate)", () => {
  it('runs in the new release with its secrets, before it starts; a failing one stops the deploy with traffic unchanged', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const migrate = ['/usr/bin/python3', 'manage.py', 'migrate', '--noinput'];
    const project = await deployProject(
      19185,
      {
        start: { command: ['/usr/bin/gunicorn', '--bind', 'unix:${SOCKET_PATH}', '--workers', '2', 'mysite.wsgi'] },
        shared: { dirs: ['data'] },
        secrets: ['DJANGO_SECRET_KEY'],
        migrations: { command: migrate },
        health: { path: '/health', expectText: 'ok', checks: [] },
      },
      { base: { app: 'shop' } },
    );
    onTestFinished(() => project.cleanup());
    writeFileSync(join(project.dir, '.env'), 'DJANGO_SECRET_KEY=a-test-key-for-the-django-example-site-0123456789\n', { mode: 0o600 });

    const first = await project.deploy(DJANGO);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const lines = first.stdout.split('\n');
    const ran = lines.findIndex((line) => line.includes('▸ Run expand migrations'));
    expect(ran).toBeGreaterThan(lines.findIndex((line) => line.includes('▸ Link shared paths')));
    expect(ran).toBeLessThan(lines.findIndex((line) => line.includes('▸ Start blue')));
    // Streamed as it runs, inside its step.
    const applying = lines.findIndex((line) => /^ {4}\| +Applying shop\.0001_initial\.\.\. OK$/.test(line));
    expect(applying, first.stdout).toBeGreaterThan(ran);
    expect(applying).toBeLessThan(lines.findIndex((line) => line.includes('▸ Start blue')));
    // No contract command: no contract phase.
    expect(first.stdout).not.toContain('▸ Run contract migrations');
    expect((await project.get('/api/products')).status).toBe(200);

    project.configure({ migrations: { command: [...migrate.slice(0, 3), 'no_such_app'] } });
    const failing = await project.deploy(DJANGO);
    expect(failing.code, failing.stdout + failing.stderr).toBe(1);
    expect(failing.stderr).toMatch(/\/usr\/bin\/python3 manage\.py migrate no_such_app exited with 1 in release \S+; nothing was started; traffic is unchanged/);
    expect(failing.stdout).toMatch(/--- last lines of \/usr\/bin\/python3 manage\.py migrate no_such_app \(stderr\) ---\n.*No installed app with label 'no_such_app'/);
    expect(failing.stdout).not.toContain('▸ Start green');
    expect(await project.liveColor()).toBe('blue');
  });
});
