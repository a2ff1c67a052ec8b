import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RenderedFile, renderAll } from '../src/index';
import { matrixCases, RELEASE, shippedCases } from './support';

/*
 * Golden files: every rendered file of a case, one after the other, so a change to any renderer
 * shows up as a readable diff in review. `npx vitest run -u test/golden.test.ts` rewrites them; in
 * CI (CI=true) vitest writes no snapshot, so a missing golden file fails there.
 */

const GOLDEN_DIR = join(import.meta.dirname, 'golden');

function dump(files: RenderedFile[]): string {
  const access = (f: RenderedFile) => [`mode 0${f.mode.toString(8)}`, ...(f.group ? [`group ${f.group}`] : []), ...(f.secret ? ['secret'] : [])].join(', ');
  return files.map((f) => `=== ${f.path} (${access(f)}) ===\n${f.content}`).join('\n');
}

describe('golden files', () => {
  for (const { name, config, live } of [...shippedCases(), ...matrixCases()]) {
    it(name, async () => {
      const text = dump(renderAll(config, live, { releases: { blue: RELEASE, green: RELEASE } }));
      await expect(text).toMatchFileSnapshot(join(GOLDEN_DIR, `${name}.txt`));
    });
  }

  it('renders the same text twice (no clock, no randomness)', () => {
    const [first] = shippedCases();
    expect(dump(renderAll(first!.config, first!.live))).toBe(dump(renderAll(first!.config, first!.live)));
  });
});
