import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { onTestFinished } from 'vitest';

/** This process's PATH without the directories that hold `program`. */
export function pathWithout(program: string): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((dir) => !existsSync(join(dir, program)));
  return dirs.join(delimiter);
}

/** A directory of stand-in programs (shell scripts), removed when the test ends. */
export function fakePrograms(programs: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-prereq-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, script] of Object.entries(programs)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${script}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}
