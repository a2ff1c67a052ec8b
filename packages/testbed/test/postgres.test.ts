import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run } from '../src/exec';
import { postgresUnavailable, startTestPostgres } from '../src/index';

const unavailable = postgresUnavailable();

describe.skipIf(unavailable)(`a test PostgreSQL${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('starts on a private port, answers over TCP and its socket, and leaves nothing behind when stopped', async () => {
    const postgres = await startTestPostgres();
    try {
      expect(postgres.port).toBeGreaterThanOrEqual(19300);
      expect(postgres.port).toBeLessThan(19400);
      const psql = (...args: string[]) => run(['psql', '-X', '-A', '-t', ...args, '-c', 'SHOW fsync'], 10_000);
      expect(await psql(postgres.url)).toMatchObject({ code: 0, stdout: 'off\n' });
      expect(await psql('-h', postgres.socketDir, '-p', String(postgres.port), '-U', 'postgres')).toMatchObject({ code: 0, stdout: 'off\n' });
    } finally {
      await postgres.stop();
      await postgres.stop();
    }
    expect(existsSync(postgres.socketDir)).toBe(false);
    const refused = await run(['psql', '-X', postgres.url, '-c', 'SELECT 1'], 10_000);
    expect(refused.code).not.toBe(0);
  }, 60_000);

  it('gives two servers at once a port each', async () => {
    const [one, two] = await Promise.all([startTestPostgres(), startTestPostgres()]);
    try {
      expect(one.port).not.toBe(two.port);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  }, 60_000);
});
