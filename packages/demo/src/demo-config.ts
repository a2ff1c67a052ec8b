import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deepMerge } from '@switchyard/config';

export interface DemoConfigOptions {
  /** The project's config directory, whose base.json and local.json the demo starts from. */
  projectConfigDir: string;
  /** Everything the demo creates lives here. */
  root: string;
  port: number;
  source: string;
}

/**
 * The local environment, moved under the demo's own root and port, with the old colour kept
 * warm so that the rollback and the second switch are instant.
 */
export function writeDemoConfig(options: DemoConfigOptions): string {
  const dir = join(options.root, 'config');
  mkdirSync(dir, { recursive: true });
  const read = (name: string) => JSON.parse(readFileSync(join(options.projectConfigDir, name), 'utf8')) as Record<string, unknown>;
  const local = deepMerge(read('local.json'), {
    server: { type: 'local', root: join(options.root, 'srv') },
    source: { type: 'path', path: options.source },
    nginx: { listen: { address: '127.0.0.1', port: options.port } },
    assets: { type: 'local', directory: join(options.root, 'assets') },
    keepOldWarm: true,
    // The load runs measure the switch, not a database: the demo's catalog is the app's built-in one.
    env: { CATALOG_STORE: 'memory' },
    // A broken release fails every check at once; there is no point waiting 30 s to say so.
    health: { timeoutMs: 8000 },
  });
  writeFileSync(join(dir, 'base.json'), JSON.stringify(read('base.json'), null, 2));
  // The demo runs on a fresh clone, before anyone has made a .env.local (pnpm dev:setup): no secrets.
  // Its migrations are its own (demo-migrations.ts, in each release's migrations/) on the embedded
  // database, without the developer's seed.
  writeFileSync(join(dir, 'local.json'), JSON.stringify({ ...(local as Record<string, unknown>), secrets: [], migrations: { database: 'pglite' } }, null, 2));
  for (const schema of ['schema.json', 'schema.base.json']) writeFileSync(join(dir, schema), readFileSync(join(options.projectConfigDir, schema)));
  return dir;
}
