import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/cli';

describe('a reader that goes away early (… | head)', () => {
  it('ends the output, not the command: no EPIPE crash, no stack trace', async () => {
    // --dry-run prints the plan and every file's diff: far more than a pipe holds. The local
    // environment's one secret as pnpm dev:setup would have set it.
    const child = spawn(process.execPath, [join(REPO, 'dist/commands/deploy.mjs'), '--env', 'local', '--dry-run'], { cwd: REPO, env: { ...process.env, SESSION_SECRET: 'a'.repeat(64) } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|^\s+at /m);
    expect(code).toBe(0);
  });
});
