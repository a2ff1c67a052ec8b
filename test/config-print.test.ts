import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runScript } from './support/cli';

const secrets = {
  SESSION_SECRET: 'x'.repeat(32),
  DATABASE_URL: 'postgres://u:p@db:5432/catalog',
  STAGING_PASSWORD: 'pw-pw-pw',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'abcdabcdabcd',
};

describe.concurrent('pnpm config:print for the shipped environments', () => {
  it.each(['local', 'staging', 'production'])('%s resolves, secrets redacted', async (environment) => {
    const result = await runScript('config-print.ts', ['--env', environment], { env: secrets });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('app = "catalog"');
    expect(result.stdout).toContain(`environment = "${environment}"`);
  });

  it('--json gives the whole config as JSON, secrets as [redacted]', async () => {
    const result = await runScript('config-print.ts', ['--env', 'production', '--json'], { env: secrets });
    const config = JSON.parse(result.stdout) as { secretValues: Record<string, string>; nginx: { drainMs: number } };
    expect(config.secretValues.DATABASE_URL).toBe('[redacted]');
    expect(config.nginx.drainMs).toBe(10_000);
  });

  it('an unknown flag is a usage error: exit 2 and the usage', async () => {
    const result = await runScript('config-print.ts', ['--enviroment', 'local']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--enviroment'");
    expect(result.stderr).toContain('usage: pnpm config:print');
  });
});

describe('bin/switchyard', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(join(REPO, 'bin/switchyard'), args, { cwd: REPO, env: { ...process.env, ...secrets } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });

  it('runs a command from its bundle, as pnpm does', async () => {
    const result = await run(['config-print', '--env', 'staging']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('environment = "staging"');
  });

  it('names the commands when given an unknown one: exit 2', async () => {
    const result = await run(['deploi']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: bin/switchyard deploy|switch|rollback|status');
  });
});
