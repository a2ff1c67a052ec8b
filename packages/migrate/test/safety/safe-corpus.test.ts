import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { checkMigration, formatFinding } from '../../src/safety';

const folder = fileURLToPath(new URL('fixtures/safe/', import.meta.url));
const files = readdirSync(folder).filter((name) => name.endsWith('.sql')).sort();

test('the corpus is large enough to mean something', () => {
  expect(files.length).toBeGreaterThanOrEqual(15);
});

// Reading the markers is the runner's job; here it is the least that runs each file as it would.
test.each(files)('%s passes clean', async (name) => {
  const sql = readFileSync(folder + name, 'utf8');
  const lines = sql.split('\n');
  const findings = await checkMigration({
    file: `fixtures/safe/${name}`,
    sql,
    phase: lines.includes('-- switchyard: contract') ? 'contract' : 'expand',
    transaction: !lines.includes('-- switchyard: no-transaction'),
  });
  expect(findings.map(formatFinding)).toEqual([]);
});
