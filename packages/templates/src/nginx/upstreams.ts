import type { Config } from '@switchyard/config';
import { safe } from '../guard';
import { BUCKETS } from '../buckets';
import { type Color, COLORS, otherColor, serverLayout } from '../layout';
import { block, type Lines, listenOn } from './syntax';
import { bucketUpstreamName, upstreamName } from './names';

type UpstreamConfig = Pick<Config, 'app' | 'server' | 'start' | 'nginx'>;

/** Idle connections kept per worker; the app closes them when it drains. */
const KEEPALIVE_CONNECTIONS = 32;

/*
 * max_fails=0: never mark a server down. A socket path's target changes at each switch, and a
 * refused connect on loopback costs nothing, so each request simply tries primary then backup.
 */
const server = (target: string, backup = false) => `server ${target} max_fails=0${backup ? ' backup' : ''};`;

/*
 * For upstreams whose servers are links that a switch or canary renames: a pooled connection
 * keeps reaching the colour it was opened to, and under load it never idles long enough for
 * keepalive_timeout. Retiring every connection after this long bounds how late a rename takes
 * full effect (measured: without it, a 10% canary had reached 7% after 6 s of load).
 */
const LINKED_KEEPALIVE_TIME = '1s';

function upstream(name: string, servers: Lines, keepaliveMs: number, linked = false): Lines {
  return block(`upstream ${name}`, [
    ...servers,
    `keepalive ${KEEPALIVE_CONNECTIONS};`,
    // Shorter than the app's drain, so nginx drops its pooled connections before the app closes them.
    `keepalive_timeout ${keepaliveMs}ms;`,
    ...(linked ? [`keepalive_time ${LINKED_KEEPALIVE_TIME};`] : []),
  ]);
}

/**
 * The colours' upstreams. Each has the other colour as `backup`, so a request that fails on a
 * dying process is retried on the other one (proxy_next_upstream in the server blocks). With
 * sockets, traffic goes through the canary buckets instead (see ../buckets.ts): each bucket's
 * primary and backup are links that a switch or a canary renames, so this text never changes.
 */
export function renderUpstreams(config: UpstreamConfig): Lines {
  const app = safe.app(config.app, 'app');
  const layout = serverLayout(config);
  const listen = config.start.listen;
  const keepaliveMs = config.nginx.upstreamKeepaliveMs;
  const target =
    listen.type === 'socket'
      ? (color: Color) => `unix:${safe.path(layout.socket(color), 'server.root')}`
      : (color: Color) => {
          const address = safe.ip(listen.address, 'start.listen.address');
          return listenOn(address, safe.port(listen[color], `start.listen.${color}`));
        };
  const sections: Lines = [];
  for (const color of COLORS)
    sections.push(...upstream(upstreamName(app, color), [server(target(color)), server(target(otherColor(color)), true)], keepaliveMs), '');
  if (listen.type === 'socket') {
    const idle = `unix:${safe.path(layout.idleSocket, 'server.root')}`;
    sections.push(...upstream(upstreamName(app, 'idle'), [server(idle)], keepaliveMs, true), '');
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      const primary = `unix:${safe.path(layout.bucketSocket(bucket, 'primary'), 'server.root')}`;
      const backup = `unix:${safe.path(layout.bucketSocket(bucket, 'backup'), 'server.root')}`;
      sections.push(...upstream(bucketUpstreamName(app, bucket), [server(primary), server(backup, true)], keepaliveMs, true), '');
    }
  }
  return sections.slice(0, -1);
}
