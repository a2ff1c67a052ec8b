import type { AppliedMigration, MigrationStatus } from '@switchyard/migrate';
import { describe, expect, it } from 'vitest';
import { namesToRevert, rollbackRefusal, rolledBackOver } from '../src/rollback-migrations';

const record = (name: string, phase: 'expand' | 'contract', second: number): AppliedMigration => ({
  name,
  sha256: '0'.repeat(64),
  phase,
  applied_at: new Date(second * 1000),
  duration_ms: 1,
  deploy_id: `deploy-${second}`,
});

const noFile = (applied: AppliedMigration): MigrationStatus => ({ name: applied.name, state: 'no-file', phase: applied.phase, outOfOrder: false, applied });
const pending = (name: string, phase: 'expand' | 'contract'): MigrationStatus => ({ name, state: 'pending', phase, outOfOrder: false });

// Release 2 added price (expand, applied first) and dropped legacy_code (contract, applied last).
const addPrice = record('0002_add_price', 'expand', 10);
const dropLegacy = record('0003_drop_legacy', 'contract', 20);

describe('a rollback and the journal', () => {
  it('sees what later releases applied newest first as it ran, and its own expand migrations that are missing', () => {
    const view = rolledBackOver([noFile(addPrice), noFile(dropLegacy), pending('0001_products', 'expand'), pending('0009_later', 'contract')]);
    expect(view.later.map((r) => r.name)).toEqual(['0003_drop_legacy', '0002_add_price']);
    expect(view.missing).toEqual(['0001_products']);
  });

  it('refuses past a contract migration without --migrations, naming it, its deploy and the way out', () => {
    const view = { later: [dropLegacy, addPrice], missing: [] };
    expect(rollbackRefusal(view, 'r2', 'r1', false)).toBe(
      "rolling back to r1 would go back past the contract migration 0003_drop_legacy (applied by deploy deploy-20), which removed what r1's code may still use: " +
        'roll back with --migrations to revert it first (with the down SQL of release r2), or deploy a fix forward',
    );
    expect(rollbackRefusal(view, 'r2', 'r1', true)).toBeUndefined();
    expect(rollbackRefusal({ later: [addPrice], missing: [] }, 'r2', 'r1', false)).toBeUndefined();
  });

  it('refuses a release whose own expand migrations were reverted, even with --migrations', () => {
    expect(rollbackRefusal({ later: [], missing: ['0002_add_price'] }, 'r1', 'r2', true)).toMatch(/^release r2 expects 0002_add_price, which is not applied \(reverted after it ran\): deploy it again/);
  });

  it('reverts the newest contract migrations before the start, everything else once the old colour has stopped', () => {
    const later = [dropLegacy, addPrice];
    expect(namesToRevert(later, 'before-start')).toEqual(['0003_drop_legacy']);
    expect(namesToRevert(later, 'after-stop')).toEqual(['0003_drop_legacy', '0002_add_price']);
    expect(namesToRevert([addPrice], 'before-start')).toEqual([]);
    expect(namesToRevert([dropLegacy], 'before-start')).toEqual(['0003_drop_legacy']);
  });
});
