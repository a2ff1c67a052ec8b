import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Secret } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { type AuditEntry, appendAudit, readAudit } from '../src/audit';
import { localHost } from '../src/local-host';
import { tempDir } from './helpers';

const host = localHost();

const entry = (deployId: string, error?: string): AuditEntry => ({
  deployId,
  at: '2026-11-22T00:30:00.000Z',
  user: 'deploy',
  command: 'deploy',
  args: ['--env', 'production'],
  environment: 'production',
  releaseId: '20261122T003000Z-abc1234',
  sha: 'abc1234',
  steps: [
    { name: 'release', durationMs: 1200, outcome: 'ok' },
    { name: 'health gate', durationMs: 800, outcome: error ? 'failed' : 'ok' },
  ],
  outcome: error ? 'failed' : 'ok',
  durationMs: 2100,
  ...(error ? { error } : {}),
});

describe('audit log', () => {
  it('appends one JSON line per command and reads the last ones back', async () => {
    const file = join(await tempDir(), 'deploys.jsonl');
    for (const id of ['d1', 'd2', 'd3']) await appendAudit(host, file, entry(id));
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(4);
    expect((await readAudit(host, file, 2)).map((e) => e.deployId)).toEqual(['d2', 'd3']);
    expect(await readAudit(host, join(file, '..', 'missing.jsonl'), 5)).toEqual([]);
  });

  it('never writes a secret, even one quoted in an error', async () => {
    const file = join(await tempDir(), 'deploys.jsonl');
    const secret = new Secret('DATABASE_URL', 'postgres://app:hunter2-long@db/app');
    await appendAudit(host, file, entry('d1', 'connect failed: postgres://app:hunter2-long@db/app refused'), [secret]);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('connect failed: [redacted] refused');
  });

  it('skips a line torn by a crash mid-append', async () => {
    const file = join(await tempDir(), 'deploys.jsonl');
    await appendAudit(host, file, entry('d1'));
    await appendFile(file, '{"deployId":"d2","at":');
    expect((await readAudit(host, file, 5)).map((e) => e.deployId)).toEqual(['d1']);
  });
});
