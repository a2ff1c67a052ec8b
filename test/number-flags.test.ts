import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from './support/cli';

/*
 * Numeric flags take plain decimal whole numbers only. Each refusal is one line on stderr naming
 * the flag, what was given and the accepted range, with exit 2 — before any config is read. The
 * config directory is empty, so a value taken by mistake stops there instead of deploying anything.
 */

const NO_CONFIG = ['--config-dir', mkdtempSync(join(tmpdir(), 'switchyard-no-config-'))];

const refusals: { script: string; args: string[]; message: string }[] = [
  ...['1e2', '0x10', ' 7 ', '', '1.5', '+5', '101', '-1'].map((given) => ({
    script: 'switch.ts',
    args: ['--weight', given],
    message: `--weight: expected a whole number from 0 to 100, got ${JSON.stringify(given)}`,
  })),
  { script: 'switch.ts', args: ['--weight=-1'], message: '--weight: expected a whole number from 0 to 100, got "-1"' },
  ...['switch.ts', 'rollback.ts', 'deploy.ts'].map((script) => ({
    script,
    args: ['--wait', '0x10'],
    message: '--wait: expected a whole number of seconds from 0 to 3600, got "0x10"',
  })),
  { script: 'deploy.ts', args: ['--wait', '-5'], message: '--wait: expected a whole number of seconds from 0 to 3600, got "-5"' },
  { script: 'assets.ts', args: ['prune', '--older-than', '30d', '--wait', '0x10'], message: '--wait: expected a whole number of seconds from 0 to 3600, got "0x10"' },
  { script: 'logs.ts', args: ['--lines', '-1'], message: '--lines: expected a whole number of lines from 0 to 999999, got "-1"' },
  { script: 'demo.ts', args: ['--port', '8e3'], message: '--port: expected a whole number from 1024 to 65535, got "8e3"' },
];

describe.concurrent('numeric flags', () => {
  it.each(refusals)('$script $args is refused with exit 2 and one line', async ({ script, args, message }) => {
    const result = await runScript(script, [...args, ...NO_CONFIG]);
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('a numeric flag without its value says so: the option after it is not taken for its value', async () => {
    const result = await runScript('switch.ts', ['--weight', '--dry-run', ...NO_CONFIG]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Did you forget to specify the option argument for '--weight'?");
  });
});
