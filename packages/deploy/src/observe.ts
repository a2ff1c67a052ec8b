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

async function colorFacts(rt: Runtime, color: Color): Promise<{ release: string | null; running: boolean }> {
  const [link, running] = await Promise.all([rt.host.readlink(rt.layout.colorLink(color)), rt.processes.isActive(color)]);
  return { release: link ? basename(link) : null, running };
}

/**
 * Reads what is true on the server now; changes nothing. The reads are independent, so they run
 * at once: a switch waits for one round trip of them, not a dozen.
 */
export async function observe(rt: Runtime, now: Date): Promise<Facts> {
  const [state, blue, green, listed, liveLink, idle, nginxRunning] = await Promise.all([
    readState(rt.host, rt.layout.stateFile),
    colorFacts(rt, 'blue'),
    colorFacts(rt, 'green'),
    rt.host.listDir(rt.layout.releasesDir),
    colorBehind(rt, rt.layout.liveSocket),
    colorBehind(rt, rt.layout.idleSocket),
    rt.nginx.isRunning(),
  ]);
  const running: Facts['running'] = { blue: blue.running, green: green.running };
  return {
    now: now.toISOString(),
    state,
    live: servingColor(liveLink, idle, running),
    liveLink,
    idle,
    releaseOf: { blue: blue.release, green: green.release },
    running,
    releases: listed.filter((id) => RELEASE_ID.test(id)).sort(),
    nginxRunning,
    runsWorker: rt.roles.includes('worker') && rt.config.modules.includes('worker') && rt.config.start.worker !== undefined,
    runsMigrations: rt.primary && rt.config.migrations !== undefined,
  };
}
