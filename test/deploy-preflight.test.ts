import { chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectWith, REPO, runScript } from './support/cli';

const readJson = (path: string) => JSON.parse(readFileSync(join(REPO, path), 'utf8')) as Record<string, unknown>;

describe('a deploy root that nginx cannot reach', () => {
  it('is refused before anything is shipped, naming the directory and the fix', async () => {
    const closed = mkdtempSync(join(tmpdir(), 'switchyard-closed-'));
    chmodSync(closed, 0o700);
    const project = projectWith({
      'base.json': { ...readJson('config/base.json'), source: { type: 'path', path: join(REPO, 'examples/catalog-app') } },
      'local.json': { ...readJson('config/local.json'), server: { type: 'local', root: join(closed, 'srv') }, supervisor: 'plain' },
    });
    const result = await runScript('deploy', ['--env', 'local', '--config-dir', join(project, 'config')], { env: { SESSION_SECRET: 'a'.repeat(64) } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${closed} (mode 700) is not traversable by others; chmod o+x`);
    expect(existsSync(join(closed, 'srv/catalog/releases'))).toBe(true);
    expect(existsSync(join(closed, 'srv/catalog/nginx/nginx.pid'))).toBe(false);
    expect(result.stdout).not.toContain('Ship release');
  });
});
