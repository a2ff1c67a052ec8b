import { basename } from 'node:path';
import { readState } from '@switchyard/host';
import { type Color, COLORS } from '@switchyard/templates';
import type { Facts } from './facts';
import type { Runtime } from './runtime';

const RELEASE_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4,}(-dirty)?$/;

/** The colour whose socket a link (live.sock, idle.sock) names, or null. */
async function colorBehind(rt: Runtime, link: string): Promise<Color | null> {
  const target = await rt.host.readlink(link);
  const color = target ? basename(target, '.sock') : undefined;
  return COLORS.find((c) => c === color) ?? null;
}

/**
 * Where nginx sends traffic: the live link's colour, or — when that link is lost or its colour is
 * not running — the backup's, which nginx then uses for every request. A deploy must never pick
 * that colour to restart.
 */
export function servingColor(liveLink: Color | null, idle: Color | null, running: Facts['running']): Color | null {
  if (liveLink && running[liveLink]) return liveLink;
  if (idle && running[idle]) return idle;
  return liveLink;
}

/** Reads what is true on the server now; changes nothing. */
export async function observe(rt: Runtime, now: Date): Promise<Facts> {
  const state = await readState(rt.host, rt.layout.stateFile);
  const releaseOf = { blue: null, green: null } as Facts['releaseOf'];
  const running = { blue: false, green: false } as Facts['running'];
  for (const color of COLORS) {
    const link = await rt.host.readlink(rt.layout.colorLink(color));
    releaseOf[color] = link ? basename(link) : null;
    running[color] = await rt.processes.isActive(color);
  }
  const releases = (await rt.host.listDir(rt.layout.releasesDir)).filter((id) => RELEASE_ID.test(id)).sort();
  const liveLink = await colorBehind(rt, rt.layout.liveSocket);
  const idle = await colorBehind(rt, rt.layout.idleSocket);
  return {
    now: now.toISOString(),
    state,
    live: servingColor(liveLink, idle, running),
    liveLink,
    idle,
    releaseOf,
    running,
    releases,
    nginxRunning: await rt.nginx.isRunning(),
    runsWorker: rt.roles.includes('worker') && rt.config.modules.includes('worker') && rt.config.start.worker !== undefined,
    runsMigrations: rt.primary && rt.config.migrations !== undefined,
  };
}
