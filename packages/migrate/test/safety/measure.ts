/**
 * How long the safety check takes for 200 migrations: the safe corpus over and over, with an
 * unsafe statement added to every other one so that findings are built and formatted too.
 * Run: npx tsx packages/migrate/test/safety/measure.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkMigration, formatFinding } from '../../src/safety';

const folder = fileURLToPath(new URL('fixtures/safe/', import.meta.url));
const corpus = readdirSync(folder)
  .filter((name) => name.endsWith('.sql'))
  .sort()
  .map((name) => readFileSync(folder + name, 'utf8'));
const migrations = Array.from({ length: 200 }, (_, index) => {
  const sql = corpus[index % corpus.length] ?? '';
  return { file: `migrations/${String(index + 1).padStart(4, '0')}.sql`, sql: index % 2 === 0 ? sql : `${sql}\nCREATE INDEX busy_idx ON busy (x);\n` };
});

const start = performance.now();
let first = 0;
let findings = 0;
let lines = 0;
for (const migration of migrations) {
  const { sql } = migration;
  const phase = sql.includes('-- switchyard: contract') ? 'contract' : 'expand';
  const found = await checkMigration({ ...migration, phase, transaction: !sql.includes('-- switchyard: no-transaction') });
  if (first === 0) first = performance.now() - start;
  findings += found.map(formatFinding).length;
  lines += migration.sql.split('\n').length;
}
const total = performance.now() - start;
const rest = (total - first) / (migrations.length - 1);
console.log(`${migrations.length} migrations (${lines} lines, ${findings} findings) checked in ${total.toFixed(0)} ms`);
console.log(`  the first, with loading the parser: ${first.toFixed(0)} ms; each one after: ${rest.toFixed(2)} ms`);
