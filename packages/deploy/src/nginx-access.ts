import { dirname } from 'node:path';
import { COMMAND_TIMEOUT_MS, statChain, whyCannotConnect } from '@switchyard/host';
import type { Color } from '@switchyard/templates';
import type { StepContext } from './context';
import { DeployFailed } from './errors';

/** Every directory from / down to path. */
function ancestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

/**
 * nginx's workers run as another user (nobody for the private nginx started by root, www-data for
 * Debian's): a directory on the way to run/ that others cannot traverse turns every request into
 * a 502 or 403 only after the switch. Said here, before anything serves. (run/ itself is theirs
 * through its group: shareRunDirWithNginx.)
 */
export async function checkNginxCanReachRunDir(ctx: StepContext): Promise<void> {
  const listing = await ctx.host.run(['stat', '-L', '-c', '%a %n', ...ancestors(dirname(ctx.layout.runDir))], { timeoutMs: COMMAND_TIMEOUT_MS.quick });
  const closed = listing.stdout
    .trim()
    .split('\n')
    .map((line) => /^(\d+) (.*)$/.exec(line))
    .filter((match) => match !== null && (parseInt(match[1]!, 8) & 0o001) === 0)
    .map((match) => `${match![2]} (mode ${match![1]})`);
  if (closed.length === 0) return;
  const message = `nginx's workers run as another user and cannot reach ${ctx.layout.runDir}: ${closed.join(', ')} ${closed.length > 1 ? 'are' : 'is'} not traversable by others; chmod o+x, or choose another server.root`;
  if (ctx.config.nginx.mode === 'private') throw new DeployFailed(message);
  ctx.out.emit({ type: 'note', message: `warning: ${message} (fine if nginx's user is in the directory's group)` });
}

/**
 * The group nginx's workers run in, which the files and sockets they need are given; undefined when
 * nginx is not running (only its workers tell) or its workers are root (who needs no group).
 */
export async function nginxWorkerGroup(ctx: StepContext): Promise<number | undefined> {
  const workers = await ctx.nginx.workerIdentity();
  return workers === undefined || workers.uid === 0 ? undefined : workers.gids[0];
}

/**
 * Gives run/ the group of nginx's workers, set-group-id, and shuts others out of it: a socket an
 * app creates there is then that group's, and with the colour's umask (0007) nginx can connect to
 * it without the app doing anything (most apps never chmod their socket). Other users cannot even
 * traverse run/, so an app that opens its socket to everyone (0666: the sample app; gunicorn's
 * default umask) still cannot be reached around the staging route's protection.
 */
export async function shareRunDirWithNginx(ctx: StepContext): Promise<void> {
  const group = await nginxWorkerGroup(ctx);
  if (group === undefined) return;
  const changed = await ctx.host.run(['chgrp', String(group), ctx.layout.runDir], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
  // Traverse only, for the group: nginx opens known names (sockets, links, live-color), never lists.
  if (changed.ok) await ctx.host.run(['chmod', '2710', ctx.layout.runDir], { timeoutMs: COMMAND_TIMEOUT_MS.quick });
  else
    ctx.out.emit({
      type: 'note',
      message: `warning: cannot give ${ctx.layout.runDir} the group of nginx's workers (gid ${group}): ${changed.stderr.trim()}; the app must make its socket writable for them`,
    });
}

/**
 * Whether nginx itself could reach the colour, which a probe made as root does not tell: with a
 * socket, its workers' permission to connect to it; with ports, an answer through its front.
 */
export async function whyNginxCannotReach(ctx: StepContext, color: Color): Promise<string | undefined> {
  const socket = ctx.layout.socket(color);
  if (ctx.config.start.listen.type === 'port') {
    const answer = await ctx.host.httpGet({ socketPath: socket }, ctx.config.health.path, { timeoutMs: ctx.config.health.requestTimeoutMs });
    if (answer.reached && answer.status === ctx.config.health.expectStatus) return undefined;
    return `through nginx's front ${socket}, ${ctx.config.health.path} ${answer.reached ? `answered ${answer.status}` : `got no answer (${answer.error})`}`;
  }
  const workers = await ctx.nginx.workerIdentity();
  if (!workers) return undefined;
  const why = whyCannotConnect(await statChain(ctx.host, socket), workers);
  return why && `nginx's workers (uid ${workers.uid}, groups ${workers.gids.join(',')}) cannot connect to its socket: ${why}`;
}
