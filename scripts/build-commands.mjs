// Bundles each command in scripts/ into dist/commands/<name>.mjs with esbuild, so that `pnpm switch`
// and friends start in plain Node instead of compiling TypeScript at every run (tsx's start-up
// alone is over a second). bootstrap.sh and `pnpm test` run this; run `pnpm build` after changes.
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const commands = readdirSync(join(root, 'scripts')).filter((name) => name.endsWith('.ts'));

await build({
  entryPoints: commands.map((name) => join(root, 'scripts', name)),
  outdir: join(root, 'dist/commands'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // A package's ES module build before its "main": jsonc-parser's main is a UMD file whose require()
  // calls esbuild cannot follow, so the bundle would fail at start-up looking for './impl/format'.
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call require(); ESM output needs one.
  banner: { js: "import { createRequire as __sy_createRequire } from 'node:module'; const require = __sy_createRequire(import.meta.url);" },
  // The sample app's release maker finds its files next to itself, so it must stay a file of its own;
  // so do PGlite's and the SQL parser's WebAssembly, and pg's optional native binding is not there at all.
  external: ['@switchyard/catalog-app', '@switchyard/catalog-app/*', '@electric-sql/pglite', 'libpg-query', 'pg-native'],
  logLevel: 'warning',
});
console.log(`built ${commands.map((name) => basename(name, '.ts')).join(', ')} into dist/commands/`);
