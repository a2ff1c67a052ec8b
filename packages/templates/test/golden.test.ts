import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RenderedFile, renderAll } from '../src/index';
import { matrixCases, RELEASE, shippedCases } from './support';

/*
 * Golden files: every rendered file of a case, one after the other, so a change to any renderer
 * shows up as a readable diff in review. Only `UPDATE_GOLDEN=1` writes them; a missing one fails.
 */

const GOLDEN_DIR = join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function dump(files: RenderedFile[]): string {
  const access = (f: RenderedFile) => [`mode 0${f.mode.toString(8)}`, ...(f.group ? [`group ${f.group}`] : []), ...(f.secret ? ['secret'] : [])].join(', ');
  return files.map((f) => `=== ${f.path} (${access(f)}) ===\n${f.content}`).join('\n');
}

describe('golden files', () => {
  for (const { name, config, live } of [...shippedCases(), ...matrixCases()]) {
    it(name, () => {
      const text = dump(renderAll(config, live, { releases: { blue: RELEASE, green: RELEASE } }));
      const file = join(GOLDEN_DIR, `${name}.txt`);
      if (update) writeFileSync(file, text);
      expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('renders the same text twice (no clock, no randomness)', () => {
    const [first] = shippedCases();
    expect(dump(renderAll(first!.config, first!.live))).toBe(dump(renderAll(first!.config, first!.live)));
  });
});
