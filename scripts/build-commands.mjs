// Bundles each command in scripts/ into dist/commands/<name>.mjs with esbuild, so that `pnpm switch`
// and friends start in plain Node instead of compiling TypeScript at every run (tsx's start-up
// alone is over a second). bootstrap.sh and `pnpm test` run this; run `pnpm build` after changes.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const commands = readdirSync(join(root, 'scripts')).filter((name) => name.endsWith('.ts'));
const outdir = join(root, 'dist/commands');
// Chunks are named by their content's hash: those of an earlier build would pile up.
rmSync(outdir, { recursive: true, force: true });

/**
 * One build per command, each splitting what it imports dynamically into chunks: a command compiles
 * at start only what it runs (a switch neither the AWS SDK nor the database clients), and loads the
 * rest when a step needs it. One build of all commands together would not do: its chunks follow
 * every import that any command uses, so each command would load what the others need.
 */
const bundle = (name) =>
  build({
    entryPoints: [join(root, 'scripts', name)],
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    // Content-hashed: a chunk two commands share is the same file, written twice with the same bytes.
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    platform: 'node',
    format: 'esm',
    // Smaller files for Node to read and compile at every start; identifiers too, with a source
    // map beside each file for the stack traces SWITCHYARD_DEBUG=1 prints (node --enable-source-maps).
    minify: true,
    sourcemap: 'linked',
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

const results = await Promise.all(commands.map(bundle));
// What each command loads at start and on demand, for bench/startup.ts.
const outputs = Object.assign({}, ...results.map((result) => result.metafile.outputs));
writeFileSync(join(outdir, 'meta.json'), JSON.stringify({ outputs }));
console.log(`built ${commands.map((name) => basename(name, '.ts')).join(', ')} into dist/commands/`);
