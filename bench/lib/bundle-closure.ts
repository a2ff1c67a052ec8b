import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** esbuild's metafile of the commands, as scripts/build-commands.mjs writes it to dist/commands/meta.json. */
export interface Metafile {
  outputs: Record<
    string,
    { bytes: number; entryPoint?: string; imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, { bytesInOutput: number }> }
  >;
}

export function readMetafile(commandsDir: string): Metafile {
  return JSON.parse(readFileSync(join(commandsDir, 'meta.json'), 'utf8')) as Metafile;
}

/** A source file's package: a workspace package, an npm package, or the script itself. */
export function packageOf(input: string): string {
  const npm = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (npm) return npm[1]!;
  const workspace = /packages\/([^/]+)\//.exec(input);
  return workspace ? `@switchyard/${workspace[1]}` : input.replace(/^.*?scripts\//, 'scripts/');
}

const outputKey = (meta: Metafile, path: string) => Object.keys(meta.outputs).find((key) => key.endsWith(path.replace(/^.*dist\/commands\//, 'dist/commands/')));

/**
 * The output files a command compiles at start (its bundle and the chunks it imports statically,
 * transitively), and those it may load later (dynamic imports, and what they import), less the first.
 */
export function closure(meta: Metafile, command: string): { atStart: Set<string>; onDemand: Set<string> } {
  const atStart = new Set<string>();
  const onDemand = new Set<string>();
  const entry = outputKey(meta, `dist/commands/${command}.mjs`);
  if (!entry) throw new Error(`no command ${command} in the metafile`);
  const visit = (key: string) => {
    if (atStart.has(key)) return;
    atStart.add(key);
    for (const imported of meta.outputs[key]?.imports ?? []) {
      const target = outputKey(meta, imported.path);
      if (!target) continue; // node: built-ins and externals
      if (imported.kind === 'import-statement') visit(target);
      else if (imported.kind === 'dynamic-import') onDemand.add(target);
    }
  };
  visit(entry);
  const queue = [...onDemand];
  while (queue.length > 0)
    for (const imported of meta.outputs[queue.pop()!]?.imports ?? []) {
      const target = outputKey(meta, imported.path);
      if (target && !onDemand.has(target)) {
        onDemand.add(target);
        queue.push(target);
      }
    }
  for (const key of atStart) onDemand.delete(key);
  return { atStart, onDemand };
}

/** An output file and the chunks it imports statically, transitively: what loading it compiles. */
export function staticClosure(meta: Metafile, key: string): Set<string> {
  const loaded = new Set<string>();
  const visit = (at: string) => {
    if (loaded.has(at)) return;
    loaded.add(at);
    for (const imported of meta.outputs[at]?.imports ?? []) {
      const target = imported.kind === 'import-statement' ? outputKey(meta, imported.path) : undefined;
      if (target) visit(target);
    }
  };
  visit(key);
  return loaded;
}

export const bytesOf = (meta: Metafile, keys: Set<string>) => [...keys].reduce((sum, key) => sum + (meta.outputs[key]?.bytes ?? 0), 0);

/** Bytes in those files by the package they came from, largest first. */
export function byPackage(meta: Metafile, keys: Set<string>): [string, number][] {
  const sums = new Map<string, number>();
  for (const key of keys)
    for (const [input, { bytesInOutput }] of Object.entries(meta.outputs[key]?.inputs ?? {})) sums.set(packageOf(input), (sums.get(packageOf(input)) ?? 0) + bytesInOutput);
  return [...sums].sort((a, b) => b[1] - a[1]);
}
