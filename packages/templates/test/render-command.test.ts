import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DUMMY_SECRETS, run, tempDir } from './support';

/* `pnpm render --env NAME --out DIR`, as a person runs it (through tsx, from the repository root). */

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function render(environment: string, out?: string) {
  const result = spawnSync(TSX, ['scripts/render.ts', '--env', environment, ...(out === undefined ? [] : ['--out', out])], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...DUMMY_SECRETS },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each case starts tsx, which compiles the script first: seconds on a loaded 2-core machine.
describe('pnpm render', { timeout: 30_000 }, () => {
  it('renders local under DIR, and nginx -t accepts the set as written', () => {
    const out = tempDir('render');
    const result = render('local', out);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const app = join(out, 'tmp', 'switchyard', 'catalog');
    expect(statSync(join(app, 'nginx', 'site.conf')).isFile()).toBe(true);
    expect(statSync(join(app, 'shared', 'env')).mode & 0o777).toBe(0o600);
    const check = run('/usr/sbin/nginx', ['-t', '-q', '-e', join(out, 'nginx-error.log'), '-p', out, '-c', join(out, 'nginx.conf')]);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });

  for (const environment of ['staging', 'production']) {
    it(`renders ${environment} with secrets from the environment, printing none of them`, () => {
      const out = tempDir('render');
      const result = render(environment, out);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      for (const value of Object.values(DUMMY_SECRETS)) expect(result.stdout).not.toContain(value);
      const app = join(out, 'srv', 'catalog');
      expect(statSync(join(app, 'shared', 'env')).mode & 0o777).toBe(0o600);
      expect(statSync(join(app, 'nginx', 'htpasswd')).mode & 0o777).toBe(0o640);
      expect(statSync(join(app, 'systemd', 'catalog@.service')).isFile()).toBe(true);
      expect(statSync(join(app, 'systemd', 'catalog-worker.service')).isFile()).toBe(true);
    });
  }

  it('replaces an existing 0644 env file by a new 0600 one: the secrets never enter the readable file', () => {
    const out = tempDir('render');
    const shared = join(out, 'srv', 'catalog', 'shared');
    const env = join(shared, 'env');
    mkdirSync(shared, { recursive: true });
    writeFileSync(env, 'OLD=1\n', { mode: 0o644 });
    // Held open across the render: whatever is ever written into the old, world-readable file shows here.
    const old = openSync(env, 'r');
    try {
      const result = render('staging', out);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(readFileSync(old, 'utf8')).toBe('OLD=1\n');
      expect(fstatSync(old).mode & 0o777).toBe(0o644);
      const now = statSync(env);
      expect(now.ino).not.toBe(fstatSync(old).ino);
      expect(now.mode & 0o777).toBe(0o600);
      expect(readFileSync(env, 'utf8')).toContain(DUMMY_SECRETS.SESSION_SECRET);
      expect(readdirSync(shared)).toEqual(['env']);
    } finally {
      closeSync(old);
    }
  });

  it('exits 2 without --out', () => {
    expect(render('local').status).toBe(2);
  });
});
