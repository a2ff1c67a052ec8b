import { cpSync, existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployProject } from './support/deploy-project';

/*
 * `pnpm status` only reads. Run by a user for whom no systemd user manager runs (here `nobody`, as
 * a colleague's or a monitoring account would be), it must not start one nor create its runtime
 * directory, nor anything else. The command is the built bundle, copied where `nobody` can read it.
 */

const REPO = join(import.meta.dirname, '..');
const nobodyUid = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim();
const canSwitchUser = process.getuid?.() === 0 && nobodyUid !== '' && spawnSync('runuser', ['--help']).status === 0;
const managersOfNobody = () => spawnSync('pgrep', ['-u', 'nobody', '-f', 'systemd --user'], { encoding: 'utf8' }).stdout.trim();

describe.skipIf(!canSwitchUser)('status reads only (needs root, to run it as nobody)', () => {
  it('starts no systemd user manager and creates no runtime directory', { timeout: 60_000 }, async ({ onTestFinished }) => {
    const project = await deployProject(19169, { supervisor: 'systemd' });
    const runtimeDirs = [`/run/user/${nobodyUid}`, `/tmp/xdg-runtime-${nobodyUid}`];
    onTestFinished(async () => {
      spawnSync('pkill', ['-KILL', '-u', 'nobody', '-f', 'systemd --user']);
      for (const dir of runtimeDirs) rmSync(dir, { recursive: true, force: true });
      await project.cleanup();
    });
    expect(runtimeDirs.filter((dir) => existsSync(dir))).toEqual([]);
    expect(managersOfNobody()).toBe('');
    // The commands and their chunks, where nobody may read them (not the config this run remembers).
    const commands = join(project.dir, 'commands');
    cpSync(join(REPO, 'dist/commands'), commands, { recursive: true, filter: (path) => !path.endsWith('.config-cache') });
    const bundle = join(commands, 'status.mjs');

    const result = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, bundle, '--env', 'local', '--config-dir', project.configDir, '--json'], {
      encoding: 'utf8',
      cwd: project.dir,
      timeout: 30_000,
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const status = JSON.parse(result.stdout) as { live: string | null; colors: { running: boolean }[] };
    expect([status.live, status.colors.map((c) => c.running)]).toEqual([null, [false, false]]);
    expect(runtimeDirs.filter((dir) => existsSync(dir))).toEqual([]);
    expect(managersOfNobody()).toBe('');
  });
});
