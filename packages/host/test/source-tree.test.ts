import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceTreeError } from '../src/errors';
import { describeSourceTree } from '../src/source-tree';
import { tempDir } from './helpers';

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' }).trim();

async function repoWithApp(): Promise<{ repo: string; app: string; head: string }> {
  const repo = await tempDir();
  const app = join(repo, 'app');
  await mkdir(app);
  await writeFile(join(app, 'server.js'), 'console.log(1)\n');
  await writeFile(join(repo, 'README'), 'elsewhere\n');
  git(repo, 'init', '-q');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'first');
  return { repo, app, head: git(repo, 'rev-parse', 'HEAD') };
}

describe('describeSourceTree', () => {
  it('names the commit, and nothing uncommitted in a clean tree', async () => {
    const { app, head } = await repoWithApp();
    expect(describeSourceTree(app, undefined)).toEqual({ sha: head, lockfileHash: null, uncommitted: [] });
  });

  it('lists changed and untracked files under the directory, not elsewhere in the repository', async () => {
    const { repo, app } = await repoWithApp();
    await writeFile(join(app, 'server.js'), 'console.log(2)\n');
    await writeFile(join(app, 'new.js'), '\n');
    await writeFile(join(repo, 'README'), 'changed elsewhere\n');
    expect(describeSourceTree(app, undefined).uncommitted.sort()).toEqual(['app/new.js', 'app/server.js']);
  });

  it('hashes the content of a directory outside git', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a'), 'x');
    const first = describeSourceTree(dir, undefined);
    expect(first.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(first.uncommitted).toEqual([]);
    await writeFile(join(dir, 'a'), 'y');
    expect(describeSourceTree(dir, undefined).sha).not.toBe(first.sha);
  });

  it.skipIf(process.getuid?.() !== 0)("refuses a repository git will not read (dubious ownership) rather than hash its files", async () => {
    const { repo, app } = await repoWithApp();
    execFileSync('chown', ['-R', 'nobody', repo]);
    const error = (() => {
      try {
        describeSourceTree(app, undefined);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SourceTreeError);
    expect((error as Error).message).toMatch(/git cannot read the commit: .*dubious ownership/);
    expect((error as SourceTreeError).exitCode).toBe(2);
  });
});
