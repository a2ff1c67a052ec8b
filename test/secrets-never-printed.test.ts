import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runScript } from './support/cli';

const MARKER = 'sy-marker-51c2e0-secret';
const ALL_SECRETS = ['SESSION_SECRET', 'DATABASE_URL', 'STAGING_PASSWORD', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
const secretEnv = Object.fromEntries(ALL_SECRETS.map((name) => [name, `${MARKER}-${name}`]));

/**
 * Every Switchyard command and the invocations that exercise it. A command added to package.json
 * without an entry here fails the first test, so none escapes the check.
 */
const INVOCATIONS: Record<string, string[][]> = {
  'config:print': [['--env', 'production'], ['--env', 'staging', '--json'], ['--env', 'local'], ['--env', 'nope']],
  'config:schema': [['--help']],
};
const NOT_COMMANDS = new Set(['test', 'typecheck', 'lint', 'check:root', 'demo']);

const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const commands = Object.entries(packageJson.scripts).filter(([name]) => !NOT_COMMANDS.has(name));

describe('secrets never reach the output', () => {
  it('every command has invocations in this test', () => {
    expect(commands.map(([name]) => name).filter((name) => !INVOCATIONS[name])).toEqual([]);
  });

  const cases = commands.flatMap(([name, line]) =>
    (INVOCATIONS[name] ?? []).map((args) => ({ name, args, script: /tsx scripts\/(\S+\.ts)/.exec(line)?.[1] })),
  );

  describe.concurrent.each(cases)('pnpm $name $args', ({ script, args }) => {
    it('prints no secret value on stdout or stderr', async () => {
      expect(script, 'each command is a tsx script under scripts/').toBeDefined();
      const result = await runScript(script!, args, { env: secretEnv });
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
