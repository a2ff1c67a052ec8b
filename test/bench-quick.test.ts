import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The benchmarks an issue names a figure for, in their quick form: that they run and print every
 * figure. The figures themselves are read from a full run (`pnpm bench:assets`), not asserted here:
 * a shared CI machine's timing is no verdict.
 */

const REPO = join(import.meta.dirname, '..');

describe('pnpm bench:assets --quick', () => {
  it('publishes with Switchyard, aws s3 sync and rclone sync to one S3-compatible server and prints each case with its ratio, and the floors', { timeout: 300_000 }, () => {
    const run = spawnSync('pnpm', ['-s', 'bench:assets', '--quick'], { cwd: REPO, encoding: 'utf8', timeout: 280_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    for (const tool of ['Switchyard publishAssets', 'aws s3 sync', 'rclone sync']) expect(run.stdout).toContain(tool);
    for (const name of ['first publish', '10 files changed', 'nothing changed'])
      expect(run.stdout).toMatch(new RegExp(`${name} +[\\d.]+ s +(aws s3 sync|rclone sync) [\\d.]+ s +[\\d.]+× +≤ [\\d.]+× +(PASS|MISS)`));
    // The floors that say what this server and Node allow, each against the faster peer.
    expect(run.stdout).toMatch(/rclone writing Switchyard's objects: [\d.]+× the faster peer's first publish/);
    expect(run.stdout).toMatch(/node's start \+ listing Switchyard's bucket: [\d.]+ s = [\d.]+× the faster peer's "nothing changed"/);
  });
});
