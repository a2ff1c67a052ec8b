import type { Config } from '@switchyard/config';
import { safe } from '../guard';
import { otherColor } from '../layout';
import { checkLiveState, type LiveState } from '../live-state';
import { block, file, header, type Lines } from './syntax';
import { CANARY_COOKIE, canaryKeyVariable, idleVariable, liveVariable, upstreamName } from './names';

type LiveConfConfig = Pick<Config, 'app' | 'start'>;

/** A variable that is the same for every request: a map over an empty string. */
function constant(variable: string, value: string): Lines {
  return block(`map "" ${variable}`, [`default ${value};`]);
}

/**
 * Sticky split between the colours: a client keeps its side while its cookie (set by the app,
 * if it wants) or else its address and user agent stay the same.
 */
function canarySplit(app: string, state: Required<LiveState>): Lines {
  const key = canaryKeyVariable(app);
  return [
    ...block(`map $cookie_${CANARY_COOKIE} ${key}`, ['"" "$remote_addr$http_user_agent";', `default $cookie_${CANARY_COOKIE};`]),
    '',
    ...block(`split_clients "\${${key.slice(1)}}" ${liveVariable(app)}`, [
      `${state.canary.percent}% ${upstreamName(app, state.canary.color)};`,
      `* ${upstreamName(app, state.live)};`,
    ]),
  ];
}

/**
 * live.conf: which upstream takes traffic and which one the staging route reaches. It defines
 * variables only, so a switch rewrites nothing else. With unix sockets and no canary it names the
 * symlinked live/idle upstreams and never changes: a switch renames symlinks and nginx is not
 * reloaded. With ports (or a canary) a switch rewrites it and reloads nginx.
 */
export function renderLiveConf(config: LiveConfConfig, state: LiveState): string {
  const app = safe.app(config.app, 'app');
  checkLiveState(state);
  const sockets = config.start.listen.type === 'socket';
  const idle = sockets ? upstreamName(app, 'idle') : upstreamName(app, otherColor(state.live));
  const traffic = state.canary
    ? canarySplit(app, { live: state.live, canary: state.canary })
    : constant(liveVariable(app), sockets ? upstreamName(app, 'live') : upstreamName(app, state.live));
  // Socket mode names no colour, so the text (and nginx) stays the same across switches.
  const summary = state.canary
    ? `${state.live} ${100 - state.canary.percent}%, ${state.canary.color} ${state.canary.percent}% (canary)`
    : sockets
      ? 'the colour run/live.sock points to'
      : state.live;
  return file(header(`Live colour of ${app}: ${summary}`), traffic, constant(idleVariable(app), idle));
}
