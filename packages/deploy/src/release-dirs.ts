import { dirname, join } from 'node:path';
import type { Color } from '@switchyard/templates';
import { COMMAND_TIMEOUT_MS } from '@switchyard/host';
import type { StepContext } from './context';

/** The unit's user owns what the app must write (when one is configured and we may chown). */
async function giveToAppUser(ctx: StepContext, path: string): Promise<void> {
  const user = ctx.config.systemd.user;
  if (user && ctx.processes.kind === 'systemd') await ctx.host.run(['chown', '-R', user, path], { timeoutMs: COMMAND_TIMEOUT_MS.tree });
}

/** The colour's TMPDIR, empty at each start: a temp file never outlives the process that made it. */
export async function freshTmpDir(ctx: StepContext, color: Color): Promise<void> {
  const dir = ctx.layout.colorTmpDir(color);
  await ctx.host.remove(dir);
  await ctx.host.mkdirp(dir, 0o700);
  await giveToAppUser(ctx, dir);
}

/**
 * Makes `path` in the release a link to shared/<path>. The first release that has the path seeds
 * it (a data file shipped with its initial content); later releases' copies are replaced by the link.
 */
export async function linkShared(ctx: StepContext, releaseId: string, path: string, kind: 'dir' | 'file'): Promise<void> {
  const shared = ctx.layout.sharedPath(path);
  const inRelease = join(ctx.layout.release(releaseId), path);
  if (!(await ctx.host.exists(shared))) {
    await ctx.host.mkdirp(dirname(shared), 0o711);
    if (await ctx.host.exists(inRelease)) await ctx.host.run(['cp', '-a', inRelease, shared], { timeoutMs: COMMAND_TIMEOUT_MS.tree });
    else if (kind === 'dir') await ctx.host.mkdirp(shared, 0o750);
    else await ctx.host.writeFileAtomic(shared, '', 0o640);
    await giveToAppUser(ctx, shared);
  }
  await ctx.host.remove(inRelease);
  await ctx.host.mkdirp(dirname(inRelease));
  await ctx.host.symlinkAtomic(shared, inRelease);
}
