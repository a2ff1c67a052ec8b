import { dirname, basename } from 'node:path';
import { COMMAND_TIMEOUT_MS, CommandError, HostFileError, readEnvFiles, statPaths, type SystemdDriver, waitFor, writeState } from '@switchyard/host';
import { EMBEDDED_DATABASE_VARIABLE } from '@switchyard/config';
import { type Color, COLOR_ROUTE, embeddedDatabaseUrl, type LinkSpec, renderLiveColor, type RenderedFile, servesEmbeddedDatabase } from '@switchyard/templates';
import type { Action } from './actions';
import type { StepContext } from './context';
import { waitUntilUnused } from './drain';
import { DeployFailed } from './errors';
import { colorEndpoint, failingCheck, warmUp } from './health';
import { checkNginxCanReachRunDir, nginxWorkerGroup, shareRunDirWithNginx, whyNginxCannotReach } from './nginx-access';
import { freshTmpDir, linkShared } from './release-dirs';

export type { StepContext } from './context';

const MIN_FREE_BYTES = 64 * 1024 * 1024;
const LOG_LINES = 20;
const CONFIRM_TIMEOUT_MS = 3_000;

type Handler<K extends Action['kind']> = (ctx: StepContext, action: Extract<Action, { kind: K }>) => Promise<void>;
type Handlers = { [K in Action['kind']]: Handler<K> };

const isSystemd = (ctx: StepContext): ctx is StepContext & { processes: SystemdDriver } => ctx.processes.kind === 'systemd';
const NGINX_FILES = (ctx: StepContext) =>
  new Set([ctx.layout.siteConf, ctx.layout.liveConf, ctx.layout.privateNginxConf, ctx.layout.htpasswd, ctx.layout.maintenancePage]);

/** What a path held before a write: its text (undefined: nothing), and the mode and group it must keep. */
type Previous = Map<string, { content: string | undefined; mode: number; group: number | undefined }>;

/**
 * Writes each file whose content differs, and rewrites one whose text is right but whose mode or
 * group is not (an older release wrote it so); returns what the changed ones held before, to put
 * back on failure.
 */
async function writeChanged(ctx: StepContext, files: readonly RenderedFile[]): Promise<Previous> {
  const previous: Previous = new Map();
  const nginxGroup = files.some((file) => file.group === 'nginx') ? await nginxWorkerGroup(ctx) : undefined;
  const stats = await statPaths(ctx.host, files.map((file) => file.path));
  for (const file of files) {
    const group = file.group === 'nginx' ? nginxGroup : undefined;
    const current = await ctx.host.readFile(file.path);
    const stat = stats.get(file.path);
    const accessIsRight = stat !== undefined && stat.mode === file.mode && (group === undefined || stat.gid === group);
    if (current === file.content && accessIsRight) continue;
    // A path's mode and group are part of what it is (0600 for the secrets): the old text goes back with them.
    if (current !== file.content) previous.set(file.path, { content: current, mode: file.mode, group });
    await ctx.host.mkdirp(dirname(file.path));
    await ctx.host.writeFileAtomic(file.path, file.content, file.mode, group).catch((error: unknown) => {
      if (group === undefined || !(error instanceof HostFileError) || error.code !== 'EPERM') throw error;
      throw new DeployFailed(`cannot give ${file.path} the group of nginx's workers (gid ${group}), who must read it: the deploy user must be in that group (server:init adds it)`);
    });
  }
  return previous;
}

/** Renames `link` to name `color`'s socket, when it does not already. */
async function pointAt(ctx: StepContext, link: string, color: Color): Promise<void> {
  const target = basename(ctx.layout.socket(color));
  if ((await ctx.host.readlink(link)) !== target) await ctx.host.symlinkAtomic(target, link);
}

/**
 * Makes each link point where `links` says, renaming only those that differ: each change is a
 * temp symlink renamed over the old one, so nginx's next connect() follows the old or the new.
 */
async function pointLinks(ctx: StepContext, links: readonly LinkSpec[]): Promise<number> {
  for (const dir of new Set(links.map((link) => dirname(link.path)))) await ctx.host.mkdirp(dir, 0o755);
  return ctx.host.pointLinks(links);
}

async function restore(ctx: StepContext, previous: Previous): Promise<void> {
  for (const [path, { content, mode, group }] of previous)
    if (content === undefined) await ctx.host.remove(path);
    else await ctx.host.writeFileAtomic(path, content, mode, group);
}

/** nginx -t on what was just written; on rejection (or a test that hangs) the old files go back and nothing is reloaded. */
async function testNginxOrRestore(ctx: StepContext, previous: Previous): Promise<void> {
  const tested = await ctx.nginx.test().catch(async (error: unknown) => {
    await restore(ctx, previous);
    throw error;
  });
  if (tested.ok) return;
  await restore(ctx, previous);
  throw new DeployFailed(`nginx rejected the rendered configuration; nothing was reloaded and traffic is unchanged:\n${tested.message}`);
}

async function logSize(ctx: StepContext, color: Color): Promise<number> {
  const result = await ctx.host.run(['stat', '-c', '%s', ctx.layout.colorLog(color)], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
  return result.ok ? Number(result.stdout.trim()) : 0;
}

/**
 * What the instance printed since this command started it: its first lines (start-up, the reason
 * it is broken) and its last ones, which a gate's own probes would otherwise push out of a tail.
 */
async function instanceLog(ctx: StepContext, color: Color): Promise<string[]> {
  const start = ctx.logStarts[color];
  if (start === undefined) return ctx.processes.lastLogLines(color, LOG_LINES);
  const since = await ctx.host.run(['tail', '-c', `+${start + 1}`, ctx.layout.colorLog(color)], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
  const lines = since.stdout.split('\n').filter((line) => line.trim() !== '');
  if (lines.length <= LOG_LINES) return lines;
  const head = lines.slice(0, LOG_LINES / 2);
  const tail = lines.slice(-LOG_LINES / 2);
  return [...head, `… ${lines.length - head.length - tail.length} more lines …`, ...tail];
}

async function failWithLogs(ctx: StepContext, color: Color, stop: boolean, reason: string): Promise<never> {
  ctx.out.emit({ type: 'logs', source: `${color}'s log`, lines: await instanceLog(ctx, color) });
  if (stop) await ctx.processes.stop(color, { timeoutMs: ctx.config.systemd.stopTimeoutSec * 1000 });
  throw new DeployFailed(`${color} failed its health gate: ${reason}. ${stop ? `${color} was stopped; ` : ''}traffic is unchanged`);
}

const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);

/**
 * Ships, installs or builds a release; if that fails, the half-made release goes at once: no colour
 * points at it yet, and on a full disk its bytes are what the running app needs to go on writing
 * its log. A full disk is said in one line, not in rsync's or npm's words.
 */
async function makingRelease(ctx: StepContext, releaseId: string, make: () => Promise<void>): Promise<void> {
  try {
    await make();
  } catch (error) {
    await ctx.host.remove(ctx.layout.release(releaseId)).catch(() => undefined);
    if (/No space left on device|ENOSPC/.test((error as Error).message))
      throw new DeployFailed(`no space left on ${ctx.layout.releasesDir}: release ${releaseId} did not fit and was removed; traffic is unchanged`);
    throw error;
  }
}

const handlers: Handlers = {
  // The root's space and writability were checked before the lock was taken (runPlanned).
  async preflight(ctx) {
    for (const dir of [ctx.layout.releasesDir, ctx.layout.colorsDir, ctx.layout.nginxDir, ctx.layout.logDir, ctx.layout.systemdDir])
      await ctx.host.mkdirp(dir, 0o755);
    // Traversable, not listable: units running as another user reach their shared paths; env stays 0600.
    await ctx.host.mkdirp(ctx.layout.sharedDir, 0o711);
    await ctx.host.mkdirp(ctx.layout.runDir, 0o755);
    await checkNginxCanReachRunDir(ctx);
    const missing: string[] = [];
    for (const path of ctx.config.systemd.writablePaths) if (!(await ctx.host.exists(path))) missing.push(path);
    if (missing.length > 0)
      throw new DeployFailed(`${ctx.config.paths.configFile}: systemd.writablePaths: ${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist on the server; create ${missing.length > 1 ? 'them' : 'it'} first`);
  },

  async 'link-shared'(ctx, { releaseId, dirs, files }) {
    for (const dir of dirs) await linkShared(ctx, releaseId, dir, 'dir');
    for (const file of files) await linkShared(ctx, releaseId, file, 'file');
  },

  async 'ship-release'(ctx, { releaseId, source, basis }) {
    const dir = ctx.layout.release(releaseId);
    // Checked before a byte is sent: a disk filled by a release would stop the live app's logging.
    const free = await ctx.host.diskFree(ctx.layout.releasesDir);
    if (free < source.bytes + MIN_FREE_BYTES)
      throw new DeployFailed(
        `not enough space on ${ctx.layout.releasesDir} for release ${releaseId}: it takes about ${mb(source.bytes)} MB, ${mb(MIN_FREE_BYTES)} MB must stay free for the running app, and ${mb(free)} MB are free. Nothing was shipped; traffic is unchanged`,
      );
    await makingRelease(ctx, releaseId, async () => {
      // A directory left by a crashed attempt is redone from scratch: releases are never patched.
      await ctx.host.remove(dir);
      await ctx.host.mkdirp(dir, 0o755);
      if (source.type === 'git') await ctx.host.unpack(['git', '-C', source.mirror, 'archive', '--format=tar', source.commit], dir);
      // Files unchanged since the last release are copied on the server, not sent again.
      else await ctx.host.upload(source.dir, dir, { exclude: ['node_modules', '.git'], ...(basis ? { basis: ctx.layout.release(basis) } : {}) });
    });
  },

  async install(ctx, { releaseId, reuseFrom }) {
    const dir = ctx.layout.release(releaseId);
    const { install, build } = ctx.config.build;
    const previousModules = reuseFrom ? `${ctx.layout.release(reuseFrom)}/node_modules` : undefined;
    await makingRelease(ctx, releaseId, async () => {
      if (previousModules && (await ctx.host.exists(previousModules))) {
        // A copy, never hard links: a build or postinstall step that rewrites a file in place must not
        // change the release a colour runs. Copy-on-write where the filesystem has it (btrfs, XFS), a
        // plain copy elsewhere: still several times faster than installing again (README, "Install").
        await ctx.host.run(['cp', '-a', '--reflink=auto', previousModules, `${dir}/node_modules`], { timeoutMs: COMMAND_TIMEOUT_MS.tree });
      } else {
        if (previousModules) ctx.out.emit({ type: 'note', message: `${reuseFrom} has no node_modules to reuse: installing` });
        if (install) await ctx.host.run(install, { cwd: dir, timeoutMs: COMMAND_TIMEOUT_MS.build });
      }
      if (build) await ctx.host.run(build, { cwd: dir, timeoutMs: COMMAND_TIMEOUT_MS.build });
    });
  },

  async 'check-asset-store'(ctx) {
    // Loaded only by a deploy with assets: the AWS SDK is for it alone.
    const { checkAssetStore } = await import('./publish-release-assets');
    await checkAssetStore(ctx);
  },

  async 'publish-assets'(ctx, { releaseId, deployId }) {
    const { publishReleaseAssets } = await import('./publish-release-assets');
    await publishReleaseAssets(ctx, releaseId, deployId);
  },

  async 'start-database'(ctx) {
    // Loaded only where the embedded database is served: its check query needs the PostgreSQL client.
    const { ensureEmbeddedDatabase } = await import('./embedded-database');
    const { started, pid, ms } = await ensureEmbeddedDatabase(ctx.config, ctx.host);
    ctx.out.emit({ type: 'note', message: started ? `started (pid ${pid}); answering after ${(ms / 1000).toFixed(2)} s` : `running (pid ${pid})` });
  },

  async migrate(ctx, { phase, source, deployId, releaseId }) {
    const migrations = ctx.config.migrations;
    if (migrations?.command) {
      // The app's own tool, in the release on the server, with the app's variables and secrets.
      const command = phase === 'expand' ? migrations.command : migrations.contractCommand;
      if (!command) return;
      const env = await readEnvFiles(ctx.host, [ctx.layout.envFile]);
      // The embedded database's URL is the colours' (run/<colour>.env): the tool needs it as much.
      if (servesEmbeddedDatabase(ctx.config)) env[EMBEDDED_DATABASE_VARIABLE] = embeddedDatabaseUrl(ctx.layout);
      const traffic = phase === 'expand' ? 'nothing was started; traffic is unchanged' : 'the switch to it stands';
      const failed = (how: string) => new DeployFailed(`${command.join(' ')} ${how} in release ${releaseId}; ${traffic}`);
      // Its output as it comes: a long migration shows its progress, not minutes of silence.
      const timeout = AbortSignal.timeout(COMMAND_TIMEOUT_MS.build);
      const signal = AbortSignal.any([timeout, ctx.interrupted]);
      const result = await ctx.host
        .stream(command, (line) => ctx.out.emit({ type: 'note', message: `| ${line}` }), { cwd: ctx.layout.release(releaseId), env, inheritEnv: false, signal })
        .catch((error: unknown) => {
          if (!(error instanceof CommandError)) throw error;
          const lines = error.stderr.split('\n').filter((line) => line.trim() !== '');
          if (lines.length > 0) ctx.out.emit({ type: 'logs', source: `${command.join(' ')} (stderr)`, lines: lines.slice(-40) });
          throw failed(error.commandExitCode === null ? 'was killed' : `exited with ${error.commandExitCode}`);
        });
      if (timeout.aborted) throw failed(`did not finish within ${COMMAND_TIMEOUT_MS.build / 60_000} minutes and was stopped`);
      if (!result.ok) throw failed(`was stopped (${result.signal ?? `exit ${result.exitCode}`})`);
      return;
    }
    // Loaded only by a deploy that migrates: the database clients are for it alone.
    const { migrationsOf, readHostMigrations, runPhase, sourceMigrations } = await import('./migrations');
    const list =
      source === 'on-server'
        ? await readHostMigrations(ctx.host, `${ctx.layout.release(releaseId)}/${migrationsOf(ctx.config).directory}`)
        : await sourceMigrations(ctx.config, source);
    await runPhase(ctx.config, ctx.host, list, phase, deployId, (message) => ctx.out.emit({ type: 'note', message }));
  },

  async 'rollback-migrations'(ctx, { stage, from, to, revert, deployId }) {
    const { rollbackMigrations } = await import('./rollback-migrations');
    await rollbackMigrations(ctx.config, ctx.host, (id) => ctx.layout.release(id), { stage, from, to, revert, deployId }, (message) => ctx.out.emit({ type: 'note', message }));
  },

  async 'link-color'(ctx, { color, releaseId }) {
    await ctx.host.symlinkAtomic(`../releases/${releaseId}`, ctx.layout.colorLink(color));
  },

  async 'write-files'(ctx, { files, links }) {
    const previous = await writeChanged(ctx, files);
    // The bucket links that site.conf's upstreams connect through exist before nginx reads it.
    await pointLinks(ctx, links);
    const units = files.filter((file) => dirname(file.path) === ctx.layout.systemdDir);
    if (isSystemd(ctx)) await ctx.processes.installUnits(units.map((file) => ({ name: basename(file.path), content: file.content })));
    const nginxFiles = NGINX_FILES(ctx);
    const nginxChanged = [...previous.keys()].some((path) => nginxFiles.has(path));
    if (await ctx.nginx.isRunning()) {
      if (!nginxChanged) return;
      await testNginxOrRestore(ctx, previous);
      await ctx.nginx.reload();
    } else {
      await testNginxOrRestore(ctx, previous);
      await ctx.nginx.ensureRunning();
      // Only running workers tell nginx's group: what they read gets it now (it reads htpasswd per request).
      await writeChanged(ctx, files.filter((file) => file.group === 'nginx'));
    }
  },

  async 'start-color'(ctx, { color }) {
    await freshTmpDir(ctx, color);
    await shareRunDirWithNginx(ctx);
    ctx.logStarts[color] = await logSize(ctx, color);
    await ctx.processes.start(color);
  },

  async 'start-nginx'(ctx) {
    await ctx.nginx.ensureRunning();
  },

  async 'health-gate'(ctx, { color, stopOnFailure, warmUp: warm }) {
    const { timeoutMs, intervalMs } = ctx.config.health;
    const target = colorEndpoint(ctx.config, ctx.layout, color);
    let failure: string | undefined = 'not checked yet';
    let exited = false;
    const decided = async () => {
      if (ctx.interrupted.aborted) return true;
      failure = await failingCheck(ctx.config, ctx.host, target);
      exited = failure !== undefined && !(await ctx.processes.isActive(color));
      return failure === undefined || exited;
    };
    const passedOrFailed = await waitFor(decided, { timeoutMs, intervalMs });
    if (ctx.interrupted.aborted) {
      // Not gated, so never to be a backup or take traffic: stopped as a failed gate would be.
      if (stopOnFailure) await ctx.processes.stop(color, { timeoutMs: ctx.config.systemd.stopTimeoutSec * 1000 });
      throw new DeployFailed(`the health gate of ${color} was cut short`);
    }
    if (!passedOrFailed) return failWithLogs(ctx, color, stopOnFailure, `${failure} after ${timeoutMs} ms`);
    if (exited) return failWithLogs(ctx, color, stopOnFailure, `the process exited (${failure})`);
    const unreachable = await whyNginxCannotReach(ctx, color);
    if (unreachable) return failWithLogs(ctx, color, stopOnFailure, `it answers, but ${unreachable}`);
    const run = await ctx.processes.run(color);
    if (run) ctx.gated[color] = run;
    if (warm && ctx.config.health.warmup.requests > 0 && !ctx.interrupted.aborted) {
      const done = await warmUp(ctx.config, ctx.host, target);
      const failures = done.failed > 0 ? ` (${done.failed} got no answer or an error status)` : '';
      ctx.out.emit({ type: 'note', message: `warmed up: ${done.requests} GET ${done.paths.join(', ')} in ${(done.ms / 1000).toFixed(2)} s${failures}` });
    }
  },

  async watch(ctx, { color, previous, ms, undo }) {
    const gated = ctx.gated[color] ?? (await ctx.processes.run(color));
    const target = colorEndpoint(ctx.config, ctx.layout, color);
    const started = performance.now();
    let failedInARow = 0;
    let reason: string | undefined;
    const failed = async () => {
      // Stopped before the new colour proved itself: back to the one that had.
      if (ctx.interrupted.aborted) reason = 'the command was interrupted';
      if (reason) return true;
      const run = await ctx.processes.run(color);
      if (!run) reason = 'its process exited';
      else if (gated && (run.pid !== gated.pid || run.restarts > gated.restarts))
        reason = `its process restarted (pid ${gated.pid}, now ${run.pid}, ${run.restarts} restart(s))`;
      else {
        const failure = await failingCheck(ctx.config, ctx.host, target);
        // One slow answer on a busy machine is not a failing release; two in a row are.
        failedInARow = failure === undefined ? 0 : failedInARow + 1;
        if (failedInARow >= 2) reason = failure;
      }
      return reason !== undefined;
    };
    if (!(await waitFor(failed, { timeoutMs: ms, intervalMs: ctx.config.health.intervalMs }))) {
      ctx.out.emit({ type: 'note', message: `${color} stayed up and healthy for ${(ms / 1000).toFixed(1)} s after the switch` });
      return;
    }
    const after = ((performance.now() - started) / 1000).toFixed(1);
    if (!ctx.interrupted.aborted) ctx.out.emit({ type: 'logs', source: `${color}'s log`, lines: await instanceLog(ctx, color) });
    for (const action of undo) await runAction(ctx, action);
    await ctx.processes.stop(color, { timeoutMs: ctx.config.systemd.stopTimeoutSec * 1000 });
    throw new DeployFailed(
      `${color} failed ${after} s after the switch, within its watch window (health.watchMs): ${reason}. Traffic went back to ${previous}, which had kept running; ${color} was stopped`,
    );
  },

  async 'switch-socket'(ctx, { live, idle }) {
    // Each rename is atomic: nginx's next connect() follows the new link; no reload, no worker turnover.
    await pointAt(ctx, ctx.layout.liveSocket, live);
    await pointAt(ctx, ctx.layout.idleSocket, idle);
    await ctx.host.writeFileAtomic(ctx.layout.liveColorFile, renderLiveColor({ live }), 0o644);
  },

  async 'point-idle'(ctx, { color }) {
    await pointAt(ctx, ctx.layout.idleSocket, color);
  },

  async 'point-buckets'(ctx, { live, links }) {
    if (live.canary) {
      // Canary buckets reach the canary through idle.sock: it must name that colour's socket.
      const idle = await ctx.host.readlink(ctx.layout.idleSocket);
      const expected = basename(ctx.layout.socket(live.canary.color));
      if (idle !== expected) throw new DeployFailed(`${ctx.layout.idleSocket} points to ${idle ?? 'nothing'}, not ${expected}; traffic is unchanged`);
    }
    const changed = await pointLinks(ctx, links);
    ctx.out.emit({ type: 'note', message: `${changed} bucket link(s) renamed; nginx not reloaded` });
    await ctx.host.writeFileAtomic(ctx.layout.liveColorFile, renderLiveColor(live), 0o644);
  },

  async confirm(ctx, { expected, undo }) {
    // nginx's own check socket: the same upstreams as the public site, whether that is HTTPS only
    // or listens where this machine's loopback does not reach.
    const target = { socketPath: ctx.layout.checkSocket };
    let seen = '';
    const confirmed = async () => {
      const answer = await ctx.host.httpGet(target, COLOR_ROUTE, { timeoutMs: 1000 });
      seen = answer.reached ? `${answer.status} ${answer.body.trim()}` : answer.error;
      if (!answer.reached || answer.status !== 200 || answer.body !== expected) return false;
      const health = await ctx.host.httpGet(target, ctx.config.health.path, { timeoutMs: ctx.config.health.requestTimeoutMs });
      if (health.reached && health.status === ctx.config.health.expectStatus) return true;
      seen = health.reached ? `${ctx.config.health.path} answered ${health.status}` : health.error;
      return false;
    };
    if (await waitFor(confirmed, { timeoutMs: CONFIRM_TIMEOUT_MS, intervalMs: 50 })) return;
    // Exit 1 promises traffic where it was: put it back before saying so.
    for (const action of undo) await runAction(ctx, action);
    const back = undo.length > 0 ? 'traffic was moved back' : 'nothing was live before';
    throw new DeployFailed(`nginx does not confirm the switch: expected "${expected.trim()}", got "${seen}"; ${back}`);
  },

  async drain(ctx, { color, maxWaitMs }) {
    const { ms, left } = await waitUntilUnused(ctx, color, maxWaitMs);
    const seconds = (ms / 1000).toFixed(2);
    ctx.out.emit({
      type: 'note',
      message:
        left === 0
          ? `nginx had no connection left to ${color} after ${seconds} s`
          : `${color} still had ${left} connection(s) after ${seconds} s (nginx.drainMs); stopping it anyway`,
    });
    await ctx.processes.stop(color, { timeoutMs: ctx.config.systemd.stopTimeoutSec * 1000 });
  },

  async 'restart-worker'(ctx, { unit }) {
    if (!isSystemd(ctx)) {
      ctx.out.emit({ type: 'note', message: 'the worker module runs under systemd only (supervisor "plain" here): not started' });
      return;
    }
    await writeChanged(ctx, [unit]);
    await ctx.processes.installUnits([{ name: basename(unit.path), content: unit.content }]);
    await ctx.processes.restartUnit(basename(unit.path), { timeoutMs: ctx.config.systemd.stopTimeoutSec * 1000 });
  },

  async 'record-state'(ctx, { state }) {
    await writeState(ctx.host, ctx.layout.stateFile, state);
  },

  async prune(ctx, { releaseIds }) {
    for (const id of releaseIds) await ctx.host.remove(ctx.layout.release(id));
  },
};

export function runAction(ctx: StepContext, action: Action): Promise<void> {
  return (handlers[action.kind] as Handler<Action['kind']>)(ctx, action);
}
