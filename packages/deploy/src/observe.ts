import { basename } from 'node:path';
import { readState } from '@switchyard/host';
import { type Color, COLORS, renderLiveConf } from '@switchyard/templates';
import type { Facts } from './facts';
import type { Runtime } from './runtime';

const RELEASE_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4,}$/;

async function observeLive(rt: Runtime, state: Facts['state']): Promise<Color | null> {
  if (rt.config.start.listen.type === 'socket') {
    const target = await rt.host.readlink(rt.layout.liveSocket);
    const color = target ? basename(target, '.sock') : undefined;
    return COLORS.find((c) => c === color) ?? null;
  }
  // Port mode: live.conf is ours, so the colour it routes to is whichever rendering it equals.
  const liveConf = await rt.host.readFile(rt.layout.liveConf);
  const canary = state.canary;
  for (const color of COLORS) {
    const rendered = renderLiveConf(rt.config, canary && canary.color !== color ? { live: color, canary } : { live: color });
    if (liveConf === rendered) return color;
  }
  return liveConf === undefined ? null : state.live;
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
  return { now: now.toISOString(), state, live: await observeLive(rt, state), releaseOf, running, releases };
}
