import type { Config } from '@switchyard/config';
import { safe } from '../guard';
import { BUCKETS } from '../buckets';
import { COLORS, serverLayout } from '../layout';
import { block, type Lines, listenOn } from './syntax';
import { bucketUpstreamName, upstreamName } from './names';

type UpstreamConfig = Pick<Config, 'app' | 'server' | 'start' | 'nginx'>;

/** Idle connections kept per worker. */
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
 * full effect (measured: without it, a 10% canary had reached 7% after 6 s of load), and so how
 * long the old colour still gets requests after a switch: the drain waits for that.
 */
const LINKED_KEEPALIVE_TIME = '1s';

function upstream(name: string, servers: Lines, keepaliveMs: number, linked: boolean): Lines {
  return block(`upstream ${name}`, [
    ...servers,
    `keepalive ${KEEPALIVE_CONNECTIONS};`,
    // Shorter than the app's own keep-alive timeout, so nginx, not the app, closes idle connections.
    `keepalive_timeout ${keepaliveMs}ms;`,
    ...(linked ? [`keepalive_time ${LINKED_KEEPALIVE_TIME};`] : []),
  ]);
}

/**
 * The upstreams traffic flows through. Clients are split into 100 buckets (see ../buckets.ts);
 * each bucket's primary and backup are links that a switch or a canary renames, and the idle
 * upstream (the staging route) is the link idle.sock, so this text never changes. Each link ends
 * at run/<colour>.sock: the app's own socket, or with ports the colour's front (./fronts.ts).
 */
export function renderUpstreams(config: UpstreamConfig): Lines {
  const app = safe.app(config.app, 'app');
  const layout = serverLayout(config);
  const keepaliveMs = config.nginx.upstreamKeepaliveMs;
  const idle = `unix:${safe.path(layout.idleSocket, 'server.root')}`;
  const sections: Lines = [...upstream(upstreamName(app, 'idle'), [server(idle)], keepaliveMs, true), ''];
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    const primary = `unix:${safe.path(layout.bucketSocket(bucket, 'primary'), 'server.root')}`;
    const backup = `unix:${safe.path(layout.bucketSocket(bucket, 'backup'), 'server.root')}`;
    sections.push(...upstream(bucketUpstreamName(app, bucket), [server(primary), server(backup, true)], keepaliveMs, true), '');
  }
  return sections.slice(0, -1);
}

/**
 * Ports only: each colour gets a front, a server of nginx's own listening on run/<colour>.sock
 * and passing everything to the colour's port. The links then end at a socket in every mode, so
 * a switch is a rename for port-only apps too: no reload, no client connection cut. The front
 * passes requests on unchanged (Host and the X-Forwarded-* headers the outer proxy set).
 */
export function renderColorFronts(config: UpstreamConfig): Lines {
  const listen = config.start.listen;
  if (listen.type !== 'port') return [];
  const app = safe.app(config.app, 'app');
  const layout = serverLayout(config);
  const address = safe.ip(listen.address, 'start.listen.address');
  const sections: Lines = [];
  for (const color of COLORS) {
    const port = safe.port(listen[color], `start.listen.${color}`);
    sections.push(...upstream(upstreamName(app, color), [server(listenOn(address, port))], config.nginx.upstreamKeepaliveMs, false), '');
    sections.push(
      ...block('server', [
        `listen unix:${safe.path(layout.socket(color), 'server.root')};`,
        'access_log off;',
        `client_max_body_size ${safe.size(config.nginx.clientMaxBodySize, 'nginx.clientMaxBodySize')};`,
        'proxy_http_version 1.1;',
        'proxy_set_header Connection "";',
        'proxy_set_header Host $http_host;',
        // The outer proxy buffers; streaming here keeps the extra hop's cost to a copy.
        'proxy_buffering off;',
        'proxy_request_buffering off;',
        // No retry here: the outer proxy retries on its backup.
        'proxy_next_upstream off;',
        ...block('location /', [`proxy_pass http://${upstreamName(app, color)};`]),
      ]),
      '',
    );
  }
  return sections.slice(0, -1);
}
