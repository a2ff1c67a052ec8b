import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderLogPipeScript } from '../src/log-pipe';

/* bin/log-pipe, run for real: sh, mkfifo and perl, as the units run it. */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function run(maxBytes: number, script: string): { dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-log-pipe-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'log-pipe'), renderLogPipeScript());
  const log = join(dir, 'app.log');
  const result = spawnSync('sh', [join(dir, 'log-pipe'), log, String(maxBytes), 'sh', '-c', script], { encoding: 'utf8', timeout: 10_000 });
  expect(result.status, result.stderr).toBe(0);
  return { dir, log };
}

/** The writer ends a moment after the app, at the end of its output. */
function settled(log: string, last: string): string {
  for (let i = 0; i < 200; i++) {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    if (text.endsWith(`${last}\n`)) return text;
    spawnSync('sleep', ['0.02']);
  }
  throw new Error(`${log} never ended with ${last}`);
}

describe('the log writer', () => {
  it("writes the app's stdout and stderr, in order, to the log", () => {
    const { log } = run(1_000_000, 'echo one; echo two >&2; echo three');
    expect(settled(log, 'three')).toBe('one\ntwo\nthree\n');
  });

  it('starts a new file past the size, keeping one old one: the log stays bounded', () => {
    const { log } = run(200, 'i=0; while [ $i -lt 100 ]; do echo "line number $i"; i=$((i+1)); done');
    const current = settled(log, 'line number 99');
    expect(current.length).toBeLessThanOrEqual(200);
    const previous = readFileSync(`${log}.1`, 'utf8');
    expect(previous.length).toBeLessThanOrEqual(200);
    // Nothing lost between the two files: the old one ends where the new one starts.
    const lastOld = Number(/(\d+)\n$/.exec(previous)?.[1]);
    expect(current.startsWith(`line number ${lastOld + 1}\n`)).toBe(true);
  });
});
