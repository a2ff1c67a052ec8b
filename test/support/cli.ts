import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a Switchyard command the way `pnpm <script>` does: the built bundle of scripts/<name>.ts
 * (`pnpm build`; `pnpm test` builds first), in a real process.
 */
export function runScript(script: string, args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) {
  const bundle = join(REPO, 'dist/commands', `${script.replace(/\.ts$/, '')}.mjs`);
  return new Promise<CliResult>((resolve) => {
    execFile(
      process.execPath,
      [bundle, ...args],
      { cwd: options.cwd ?? REPO, env: { ...process.env, ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export type FileBody = string | object | { directory: true };

/** A throwaway project whose config/ holds the given files (objects are written as JSON). */
export function projectWith(configFiles: Record<string, FileBody>, rootFiles: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
  mkdirSync(join(root, 'config'));
  for (const [name, body] of Object.entries(configFiles)) {
    const path = join(root, 'config', name);
    if (typeof body === 'object' && 'directory' in body) mkdirSync(path);
    else writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  }
  for (const [name, body] of Object.entries(rootFiles)) writeFileSync(join(root, name), body, { mode: 0o600 });
  return root;
}
