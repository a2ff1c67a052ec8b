import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeployRootError } from '../src/errors';
import { localHost } from '../src/local-host';
import { checkDeployRoot } from '../src/preflight';
import { onCleanup, tempDir } from './helpers';

const host = localHost();

const mount = (options: string, dir: string) => spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status === 0;

/** A small tmpfs, unmounted after the test. */
async function tmpfs(options: string): Promise<string> {
  const dir = await tempDir();
  if (!mount(options, dir)) throw new Error(`mount -t tmpfs -o ${options} failed`);
  onCleanup(() => void spawnSync('umount', [dir]));
  return dir;
}

// Mounting needs root with CAP_SYS_ADMIN (not in rootless CI or unprivileged containers).
const canMount = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-mount-probe-'));
  const ok = mount('size=4k', dir) && spawnSync('umount', [dir]).status === 0;
  rmSync(dir, { recursive: true, force: true });
  return ok;
})();

describe('deploy root check', () => {
  it('creates a missing app root and accepts it', async () => {
    const root = join(await tempDir(), 'app');
    await checkDeployRoot(host, root, 1024);
    expect(await host.listDir(root)).toEqual([]);
  });

  it('refuses a root that cannot be written, before anything changes', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'blocker'), '');
    const error = await checkDeployRoot(host, join(dir, 'blocker', 'app'), 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployRootError);
    expect((error as DeployRootError).exitCode).toBe(1);
    expect((error as Error).message).toMatch(/^deploy root .*blocker\/app is not usable: .*ENOTDIR.*nothing was changed$/);
  });

  it('refuses a filesystem without the space a deploy needs', async () => {
    const root = await tempDir();
    const free = await host.diskFree(root);
    await expect(checkDeployRoot(host, root, free * 2)).rejects.toThrow(/MB free; a deploy needs at least \d+ MB/);
  });

  describe.skipIf(!canMount)('on real filesystems (needs a tmpfs mount: root with CAP_SYS_ADMIN, else skipped)', () => {
    it('refuses a full disk', async () => {
      const dir = await tmpfs('size=64k');
      await writeFile(join(dir, 'fill'), Buffer.alloc(64 * 1024)).catch(() => undefined);
      await expect(checkDeployRoot(host, dir, 1)).rejects.toThrow(/ENOSPC|MB free/);
    });

    it('refuses a read-only filesystem', async () => {
      const dir = await tmpfs('ro,size=64k');
      await expect(checkDeployRoot(host, dir, 1)).rejects.toThrow(/EROFS/);
    });
  });
});
