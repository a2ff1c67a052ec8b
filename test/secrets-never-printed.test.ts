import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@switchyard/config';
import { stopEverything } from '@switchyard/deploy';
import { afterAll, describe, expect, it } from 'vitest';
import { projectWith, REPO, runScript } from './support/cli';

const MARKER = 'sy-marker-51c2e0-secret';
const ALL_SECRETS = ['SESSION_SECRET', 'DATABASE_URL', 'STAGING_PASSWORD', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
const secretEnv = Object.fromEntries(ALL_SECRETS.map((name) => [name, `${MARKER}-${name}`]));

const readJson = (path: string) => JSON.parse(readFileSync(join(REPO, path), 'utf8')) as Record<string, unknown>;

/** A local environment that requires a secret, deployed for real under a temp root. */
const root = mkdtempSync(join(tmpdir(), 'switchyard-secrets-'));
chmodSync(root, 0o755); // nginx's workers (nobody) must reach the sockets under it
const project = projectWith({
  'base.json': { ...readJson('config/base.json'), source: { type: 'path', path: join(REPO, 'examples/catalog-app') } },
  'local.json': {
    ...readJson('config/local.json'),
    server: { type: 'local', root },
    supervisor: 'plain',
    secrets: ['SESSION_SECRET'],
    health: { timeoutMs: 5000 },
    nginx: { listen: { address: '127.0.0.1', port: 19050 }, drainMs: 1500, upstreamKeepaliveMs: 500, staging: { header: 'X-Next', allow: ['127.0.0.1'] } },
    assets: { type: 'local', directory: join(root, 'assets') },
  },
});
const local = ['--env', 'local', '--config-dir', join(project, 'config')];

/**
 * Every Switchyard command and the invocations that exercise it, in order (the local project's
 * are run one after another). A command added to package.json without an entry here fails the
 * first test, so none escapes the check.
 */
const INVOCATIONS: Record<string, [args: string[], exitCode: number][]> = {
  'config:print': [[['--env', 'production'], 0], [['--env', 'staging', '--json'], 0], [['--env', 'local'], 0], [['--env', 'nope'], 2]],
  'config:schema': [[['--help'], 0]],
  render: [[['--env', 'production', '--out', mkdtempSync(join(tmpdir(), 'switchyard-render-'))], 0]],
  // Production and staging deploy over SSH, which this version refuses (exit 2) before connecting.
  'deploy:prod': [[['--dry-run'], 2]],
  'deploy:staging': [[['--dry-run'], 2]],
  'deploy:env': [[[...local, '--dry-run'], 0], [local, 0], [[...local, '--json', '--no-switch'], 0]],
  switch: [[[...local, '--dry-run'], 0], [[...local, '--json'], 0], [local, 0]],
  rollback: [[[...local, '--dry-run'], 0], [local, 0]],
  status: [[local, 0], [[...local, '--json'], 0]],
};

afterAll(async () => {
  const { config } = loadConfig({ environment: 'local', configDir: join(project, 'config'), processEnv: secretEnv });
  if (config) await stopEverything(config);
});
const NOT_COMMANDS = new Set(['build', 'test', 'typecheck', 'lint', 'check:root', 'demo']);

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
      const file = JSON.parse(readFileSync(join(REPO, 'config', `${env}.json`), 'utf8')) as { secrets?: string[] };
      return file.secrets ?? [];
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
