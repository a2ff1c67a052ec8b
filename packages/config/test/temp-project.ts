import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MINIMAL = {
  $schema: './schema.json',
  app: 'shop',
  server: { type: 'local', root: '/srv' },
  start: { command: ['node', 'server.js'] },
};

/** A throwaway project: config/<name>.json files (objects or raw text) and files at its root. */
export function tempProject(configs: Record<string, unknown>, rootFiles: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
  mkdirSync(join(root, 'config'));
  for (const [name, body] of Object.entries(configs))
    writeFileSync(join(root, 'config', name), typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  for (const [name, body] of Object.entries(rootFiles)) writeFileSync(join(root, name), body, { mode: 0o600 });
  return root;
}
