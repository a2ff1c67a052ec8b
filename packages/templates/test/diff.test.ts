import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffText } from '../src/index';
import { run, tempDir } from './support';

describe('diffText', () => {
  it('is empty when nothing changes', () => {
    expect(diffText('/srv/a', 'x\ny\n', 'x\ny\n')).toBe('');
  });

  it('shows a new file against /dev/null', () => {
    expect(diffText('/srv/a', null, 'one\ntwo\n')).toBe('--- /dev/null\n+++ b/srv/a\n@@ -0,0 +1,2 @@\n+one\n+two\n');
  });

  it('shows a change with three lines of context', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nb\nc\nd\nE\nf\ng\nh\n';
    expect(diffText('/srv/a', before, after)).toBe(
      '--- a/srv/a\n+++ b/srv/a\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n',
    );
  });

  it('marks a missing final newline', () => {
    expect(diffText('/srv/a', 'x', 'x\n')).toBe('--- a/srv/a\n+++ b/srv/a\n@@ -1,1 +1,1 @@\n-x\n\\ No newline at end of file\n+x\n');
  });

  it('produces patches that `patch` applies exactly (random texts)', () => {
    const dir = tempDir('diff');
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const text = (lines: number) => Array.from({ length: lines }, () => `line ${random(6)}`).join('\n') + (random(5) === 0 ? '' : '\n');
    for (let round = 0; round < 40; round++) {
      const before = text(random(30));
      const after = text(random(30));
      writeFileSync(join(dir, 'file'), before);
      writeFileSync(join(dir, 'patch'), diffText('/file', before, after));
      if (before === after) continue;
      const result = run('patch', ['-s', '-o', join(dir, 'out'), join(dir, 'file'), join(dir, 'patch')]);
      expect(result.output).toBe('');
      expect(run('cat', [join(dir, 'out')]).output).toBe(after);
    }
  });
});
