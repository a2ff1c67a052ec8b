import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RenderedFile, renderAll } from '../src/index';
import { matrixCases, run, shippedCases, shippedConfig, tempDir } from './support';

/*
 * systemd's own tools check the units: `verify` (syntax, ExecStart's program exists) and the
 * offline security score of the strict profile, which must stay at 2.5 ("OK") or better.
 */

const MAX_EXPOSURE = 2.5;

function unitFiles(files: RenderedFile[]): RenderedFile[] {
  return files.filter((file) => file.path.endsWith('.service'));
}

function writeUnits(files: RenderedFile[]): string[] {
  const dir = tempDir('units');
  return unitFiles(files).map((file) => {
    const path = join(dir, basename(file.path));
    writeFileSync(path, file.content);
    return path;
  });
}

function exposure(unitPath: string): number {
  const { output } = run('systemd-analyze', ['security', '--offline=true', '--no-pager', unitPath]);
  const match = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(output);
  if (!match) throw new Error(`no exposure level in:\n${output}`);
  return Number(match[1]);
}

describe('systemd-analyze verify accepts every unit', () => {
  for (const { name, config, live } of [...shippedCases(), ...matrixCases()]) {
    const units = unitFiles(renderAll(config, live));
    if (units.length === 0) continue;
    it(`${name}: ${units.map((u) => basename(u.path)).join(', ')}`, () => {
      const result = run('systemd-analyze', ['verify', ...writeUnits(units)]);
      expect(result.output).toBe('');
      expect(result.status).toBe(0);
    });
  }
});

describe('hardening', () => {
  it(`scores the strict profile at most ${MAX_EXPOSURE} offline (production config)`, () => {
    const [unit, worker] = writeUnits(renderAll(shippedConfig('production'), { live: 'blue' }));
    const scores = [exposure(unit!), exposure(worker!)];
    console.log(`systemd-analyze security --offline=true, strict profile: ${scores.join(', ')}`);
    for (const score of scores) expect(score).toBeLessThanOrEqual(MAX_EXPOSURE);
  });

  it('never sets MemoryDenyWriteExecute (V8 aborts under it)', () => {
    for (const { config, live } of [...shippedCases(), ...matrixCases()])
      for (const unit of unitFiles(renderAll(config, live))) expect(unit.content).not.toContain('MemoryDenyWriteExecute');
  });

  it('leaves out only the namespace options that need systemd as PID 1 in the reduced profile', () => {
    const local = shippedConfig('local');
    const lines = (hardening: 'strict' | 'reduced') =>
      new Set(unitFiles(renderAll({ ...local, systemd: { ...local.systemd, hardening } }, { live: 'blue' }))[0]!.content.split('\n'));
    const strict = lines('strict');
    const reduced = lines('reduced');
    const dropped = [...strict].filter((line) => !reduced.has(line)).map((line) => line.split('=')[0]);
    expect(dropped.sort()).toEqual(['InaccessiblePaths', 'ProtectHome', 'ProtectKernelLogs', 'ProtectKernelTunables']);
    expect([...reduced].filter((line) => !strict.has(line))).toEqual([]);
  });
});
