import type { Config } from '@switchyard/config';
import { type AuditEntry, readAudit } from '@switchyard/host';
import { type Color, COLORS } from '@switchyard/templates';
import { colorEndpoint, failingCheck } from './health';
import type { MigrationsSeen } from './migration-status';
import { observe } from './observe';
import { type ConnectOptions, type Runtime, withRuntime, withRuntimes } from './runtime';

export interface ColorStatus {
  color: Color;
  live: boolean;
  releaseId: string | null;
  sha: string | null;
  running: boolean;
  /** "healthy", the failing check, or "stopped". */
  health: string;
  /** Of the process serving now: a restart starts it again. */
  uptimeSeconds: number | null;
  /** Restarts its supervisor made on its own (systemd's Restart=); a crash-looping colour shows here. */
  restarts: number | null;
}

export interface Status {
  app: string;
  environment: string;
  /** "local", or the SSH destination read. */
  host: string;
  /** Whether nginx runs: with it down nothing is served, however healthy the colours are. */
  nginx: 'running' | 'down';
  url: string;
  live: Color | null;
  /** What run/live.sock names; not `live` when the link is lost or its colour is down and nginx serves the backup. */
  liveLink: Color | null;
  /** The colour behind idle.sock: where a failed request is retried, and the staging route. */
  backup: Color | null;
  canary: { color: Color; percent: number } | null;
  switchMode: 'socket rename (no reload)' | "socket rename through nginx's per-colour front (no reload)";
  colors: ColorStatus[];
  /** The live release's migrations not applied yet (SQL migrations, read on the primary server); null when there is nothing to read. */
  migrations: MigrationsSeen | null;
  lastDeploys: AuditEntry[];
}

export function publicUrl(config: Config): string {
  const name = config.nginx.serverNames[0] ?? 'localhost';
  if (config.nginx.tls) return `https://${name}${config.nginx.tls.port === 443 ? '' : `:${config.nginx.tls.port}`}`;
  return `http://${name}${config.nginx.listen.port === 80 ? '' : `:${config.nginx.listen.port}`}`;
}

/** Reads the server's state and asks each running colour for its health; changes nothing. */
export function readStatus(config: Config, options: ConnectOptions = {}, now = new Date()): Promise<Status> {
  return withRuntime(config, { ...options, readOnly: true }, (rt) => statusOn(rt, now));
}

/** Every server's status, read in parallel. */
export function readStatuses(config: Config, options: ConnectOptions = {}, now = new Date()): Promise<Status[]> {
  return withRuntimes(config, { ...options, readOnly: true }, (rts) => Promise.all(rts.map((rt) => statusOn(rt, now))));
}

/**
 * What servers that should agree do not: the release they serve. The colour is each server's own
 * slot: a server lost in the middle of a switch may serve the same release from the other one.
 */
export function disagreements(statuses: readonly Status[]): string[] {
  const releaseOf = (s: Status) => (s.live ? (s.colors.find((c) => c.color === s.live)?.releaseId ?? '-') : 'nothing');
  if (new Set(statuses.map(releaseOf)).size <= 1) return [];
  const described = statuses.map((s) => `${s.host} ${s.live ? `${s.live} (${releaseOf(s)})` : 'nothing'}`);
  return [`servers disagree on what is live: ${described.join(', ')}`];
}

export function formatStatuses(statuses: readonly Status[]): string[] {
  if (statuses.length === 1) return formatStatus(statuses[0]!);
  return [...disagreements(statuses).map((line) => `! ${line}`), ...statuses.flatMap((s) => ['', ...formatStatus(s)])];
}

async function statusOn(rt: Runtime, now: Date): Promise<Status> {
  const { config } = rt;
  const facts = await observe(rt, now);
  const colors: ColorStatus[] = [];
  for (const color of COLORS) {
    const run = await rt.processes.run(color);
    const running = facts.running[color];
    const failure = running ? await failingCheck(config, rt.host, colorEndpoint(config, rt.layout, color)) : undefined;
    const releaseId = facts.releaseOf[color];
    colors.push({
      color,
      live: facts.live === color,
      releaseId,
      sha: facts.state.releases.find((r) => r.id === releaseId)?.sha ?? null,
      running,
      health: running ? (failure ?? 'healthy') : 'stopped',
      uptimeSeconds: run?.uptimeSeconds ?? null,
      restarts: run?.restarts ?? null,
    });
  }
  const canary = facts.state.canary ?? null;
  const liveRelease = facts.live ? facts.releaseOf[facts.live] : null;
  const readsMigrations = rt.primary && config.migrations !== undefined && !config.migrations.command && liveRelease !== null;
  return {
    app: config.app,
    environment: config.environment,
    host: rt.host.name,
    nginx: facts.nginxRunning ? 'running' : 'down',
    url: publicUrl(config),
    live: facts.live,
    liveLink: facts.liveLink,
    backup: facts.idle,
    canary,
    // Switches and canaries alike are renames of links; nginx's config never changes.
    switchMode: config.start.listen.type === 'socket' ? 'socket rename (no reload)' : "socket rename through nginx's per-colour front (no reload)",
    colors,
    // Loaded only where there are migrations: reading them needs the database clients.
    migrations: readsMigrations ? await (await import('./migration-status')).liveMigrations(config, rt.host, rt.layout.release(liveRelease)) : null,
    lastDeploys: await readAudit(rt.host, rt.layout.auditLog, 5),
  };
}

const duration = (seconds: number) =>
  seconds >= 3600 ? `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m` : seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`;

export function formatStatus(status: Status): string[] {
  const lines = [
    `${status.app} (${status.environment})${status.host === 'local' ? '' : ` on ${status.host}`} — ${status.url}`,
    `live: ${status.live ?? 'nothing deployed'}${status.canary ? `, canary ${status.canary.percent}% to ${status.canary.color}` : ''}${status.backup ? `; retries and staging: ${status.backup}` : ''}`,
    `switch: ${status.switchMode}`,
  ];
  if (status.live && status.liveLink !== status.live)
    lines.push(
      `! run/live.sock ${status.liveLink ? `names ${status.liveLink}, which is not running` : 'is missing'}: nginx serves ${status.live} through the backup link; the next deploy, switch or rollback repairs it`,
    );
  if (status.nginx === 'down') lines.push('nginx: DOWN — nothing is served; deploy, switch and rollback start it');
  for (const c of status.colors)
    lines.push(
      `  ${c.color.padEnd(6)} ${(c.releaseId ?? '-').padEnd(26)} ${(c.sha?.slice(0, 7) ?? '-').padEnd(8)} ${c.health}${c.uptimeSeconds !== null ? `, up ${duration(c.uptimeSeconds)}` : ''}${c.restarts ? `, restarted ${c.restarts}×` : ''}${c.live ? '  ← live' : ''}`,
    );
  if (status.migrations) lines.push(formatMigrations(status.migrations));
  if (status.lastDeploys.length > 0) lines.push('last commands:');
  for (const d of status.lastDeploys)
    // 11: the longest outcome, "interrupted".
    lines.push(`  ${d.at}  ${d.command.padEnd(8)} ${d.outcome.padEnd(11)} ${(d.durationMs / 1000).toFixed(1)} s  ${d.user}  ${d.releaseId ?? ''}`);
  return lines;
}

function formatMigrations(seen: MigrationsSeen): string {
  if ('unreadable' in seen) return `migrations: cannot read the database: ${seen.unreadable}`;
  if (seen.pending.length === 0) return 'migrations: every migration of the live release is applied';
  const contract = seen.pending.filter((m) => m.phase === 'contract');
  const listed = seen.pending.map((m) => `${m.name} (${m.phase})`).join(', ');
  const when = contract.length === seen.pending.length ? 'they run at the next deploy once the old colour has stopped, or with `pnpm migrate up`' : 'run `pnpm migrate status` for the details';
  return `migrations: ${seen.pending.length} pending — ${listed}: ${when}`;
}
