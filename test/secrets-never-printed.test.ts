import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runScript } from './support/cli';
import { deployProject } from './support/deploy-project';

const MARKER = 'sy-marker-51c2e0-secret';
const ALL_SECRETS = ['SESSION_SECRET', 'DATABASE_URL', 'STAGING_PASSWORD', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
const secretEnv = Object.fromEntries(ALL_SECRETS.map((name) => [name, `${MARKER}-${name}`]));

/** A local environment that requires a secret, deployed for real under a temp root. */
const project = await deployProject(19050, {
  secrets: ['SESSION_SECRET'],
  source: { type: 'path', path: join(REPO, 'examples/catalog-app') },
  nginx: { staging: { header: 'X-Next', allow: ['127.0.0.1'] } },
});
const local = project.flags();

/** A source with one migration: production's and staging's pnpm migrate then reach for the database (DATABASE_URL). */
const withMigrations = mkdtempSync(join(tmpdir(), 'switchyard-migrations-source-'));
mkdirSync(join(withMigrations, 'migrations'));
writeFileSync(join(withMigrations, 'migrations/0001_create_products.sql'), '-- migrate:up\nCREATE TABLE products (id serial PRIMARY KEY);\n');

/**
 * Every Switchyard command and the invocations that exercise it, in order (the local project's
 * are run one after another). A command added to package.json without an entry here fails the
 * first test, so none escapes the check.
 */
const INVOCATIONS: Record<string, [args: string[], exitCode: number][]> = {
  'config:print': [[['--env', 'production'], 0], [['--env', 'staging', '--json'], 0], [['--env', 'local'], 0], [['--env', 'nope'], 2]],
  'config:schema': [[['--help'], 0]],
  render: [[['--env', 'production', '--out', mkdtempSync(join(tmpdir(), 'switchyard-render-'))], 0]],
  // Production and staging are servers over SSH whose names do not resolve here: exit 2 before anything runs.
  'deploy:prod': [[['--dry-run'], 2]],
  'deploy:staging': [[['--dry-run'], 2]],
  'deploy:env': [[[...local, '--dry-run'], 0], [local, 0], [[...local, '--json', '--no-switch'], 0]],
  switch: [[[...local, '--dry-run'], 0], [[...local, '--json'], 0], [local, 0]],
  rollback: [[[...local, '--dry-run'], 0], [local, 0]],
  status: [[local, 0], [[...local, '--json'], 0]],
  logs: [[local, 0], [[...local, '--json', '--nginx'], 0]],
  'server:init': [[[...local, '--dry-run'], 0], [local, 0]],
  // The local project runs no migrations (exit 2, saying so); production's and staging's servers do not resolve here (exit 2).
  migrate: [
    [['status', ...local], 2],
    [['status', '--env', 'production', '--source', withMigrations], 2],
    [['up', '--env', 'staging', '--source', withMigrations, '--dry-run'], 2],
    [['check', '--env', 'production', '--source', withMigrations, '--json'], 2],
  ],
  // The local project's folder after its deploys; production's bucket is read with the deploy secrets, once its servers resolve (here they do not: exit 2).
  assets: [
    [['prune', ...local, '--older-than', '30d', '--dry-run'], 0],
    [['prune', ...local, '--older-than', '30d', '--json'], 0],
    [['prune', ...local, '--older-than', 'soon'], 2],
    [['prune', '--env', 'production', '--older-than', '30d', '--dry-run'], 2],
  ],
  // The local project has no .env.example to set its secrets up from (exit 2); dev:setup is for the local environment alone.
  'dev:setup': [
    [[...local, '--check'], 2],
    [['--env', 'production', '--yes'], 2],
  ],
  // Last: it stops the local project.
  'dev:down': [[local, 0]],
};

afterAll(() => {
  rmSync(withMigrations, { recursive: true, force: true });
  return project.cleanup();
});

const NOT_COMMANDS = new Set(['build', 'prepare', 'test', 'typecheck', 'lint', 'check:root', 'demo']);

const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
// Benchmarks are the developers' tools, not commands of the product.
const commands = Object.entries(packageJson.scripts).filter(([name]) => !NOT_COMMANDS.has(name) && !name.startsWith('bench:'));

describe('secrets never reach the output', () => {
  it('every command has invocations in this test', () => {
    expect(commands.map(([name]) => name).filter((name) => !INVOCATIONS[name])).toEqual([]);
  });

  const cases = commands.flatMap(([name, line]) =>
    (INVOCATIONS[name] ?? []).map(([args, exitCode]) => {
      const [, script, fixed] = /node dist\/commands\/(\S+)\.mjs(.*)/.exec(line) ?? [];
      return { name, args: [...(fixed?.trim().split(' ').filter(Boolean) ?? []), ...args], exitCode, script };
    }),
  );

  describe.each(cases)('pnpm $name $args', ({ script, args, exitCode }) => {
    it('prints no secret value on stdout or stderr', async () => {
      expect(script, 'each command is a bundle of a script under scripts/').toBeDefined();
      const result = await runScript(script!, args, { env: secretEnv });
      expect(result.code, result.stderr).toBe(exitCode);
      expect(result.stdout + result.stderr).not.toContain(MARKER);
    });
  });
});

describe('.env.example', () => {
  const example = readFileSync(join(REPO, '.env.example'), 'utf8');
  const named = [...example.matchAll(/^([A-Z_][A-Z0-9_]*)=$/gm)].map((match) => match[1]);
  const required = new Set(
    ['local', 'staging', 'production'].flatMap((env) => {
      const file = JSON.parse(readFileSync(join(REPO, 'config', `${env}.json`), 'utf8')) as { secrets?: string[]; deploySecrets?: string[] };
      return [...(file.secrets ?? []), ...(file.deploySecrets ?? [])];
    }),
  );

  it('names every secret an environment requires, and no other', () => {
    expect([...named].sort()).toEqual([...required].sort());
  });

  it('explains each secret in a comment and gives no value', () => {
    for (const name of named) expect(example, name).toMatch(new RegExp(`^# .+\\n(?:[A-Z_]+=\\n)*${name}=$`, 'm'));
    expect(example).not.toMatch(/^[A-Z_]+=.+$/m);
  });
});
