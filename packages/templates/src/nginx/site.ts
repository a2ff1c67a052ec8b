import type { Config } from '@switchyard/config';
import { safe } from '../guard';
import { serverLayout } from '../layout';
import { block, file, header, type Lines, listenOn } from './syntax';
import { assetCacheVariable, headerVariable, idleVariable, liveVariable } from './names';
import { checkLocations, routeLocations } from './locations';
import { accessLog, logFormat, requestIdMap, serverSettings, stagingProtection, tlsSettings } from './server-settings';
import { renderColorFronts, renderUpstreams } from './upstreams';

type SiteConfig = Pick<Config, 'app' | 'environment' | 'server' | 'start' | 'nginx' | 'modules' | 'health' | 'assets'>;

/** Names with a content hash (app.3f9a1c2e.js) never change: cache them for good. */
function assetCacheMap(app: string): Lines {
  return block(`map $uri ${assetCacheVariable(app)}`, [
    '"~\\.[0-9a-f]{8,}\\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";',
    'default "no-cache";',
  ]);
}

function listenLines(config: SiteConfig): Lines {
  const { listen, tls } = config.nginx;
  const address = safe.ip(listen.address, 'nginx.listen.address');
  return tls ? [`listen ${listenOn(address, safe.port(tls.port, 'nginx.tls.port'))} ssl;`] : [`listen ${listenOn(address, safe.port(listen.port, 'nginx.listen.port'))};`];
}

function serverNames(config: SiteConfig): string[] {
  return config.nginx.serverNames.map((name) => safe.host(name, 'nginx.serverNames'));
}

/** With TLS, plain HTTP only redirects (for the staging host too). */
function redirectServer(config: SiteConfig): Lines {
  const tls = config.nginx.tls;
  if (!tls) return [];
  const names = [...serverNames(config)];
  if (config.nginx.staging?.host) names.push(safe.host(config.nginx.staging.host, 'nginx.staging.host'));
  const address = safe.ip(config.nginx.listen.address, 'nginx.listen.address');
  const target = tls.port === 443 ? 'https://$host$request_uri' : `https://$host:${tls.port}$request_uri`;
  return block('server', [
    `listen ${listenOn(address, safe.port(config.nginx.listen.port, 'nginx.listen.port'))};`,
    `server_name ${names.join(' ')};`,
    accessLog(config),
    'server_tokens off;',
    `return 301 ${target};`,
  ]);
}

/**
 * Staging by header: requests carrying it go to a protected named location that proxies to the
 * idle colour (418 is only an internal hand-over, never sent).
 */
function headerStaging(config: SiteConfig): { hook: Lines; location: Lines } {
  const name = config.nginx.staging?.header;
  if (!name) return { hook: [], location: [] };
  const variable = headerVariable(safe.header(name, 'nginx.staging.header'));
  return {
    hook: ['error_page 418 = @staging;', ...block(`if (${variable})`, ['return 418;'])],
    location: block('location @staging', [...stagingProtection(config), `proxy_pass http://${idleVariable(config.app)};`]),
  };
}

function mainServer(config: SiteConfig): Lines {
  const staging = headerStaging(config);
  return block('server', [
    ...listenLines(config),
    `server_name ${serverNames(config).join(' ')};`,
    ...tlsSettings(config),
    ...serverSettings(config),
    ...staging.hook,
    '',
    ...routeLocations(config, liveVariable(config.app)),
    ...staging.location,
  ]);
}

/** Staging by host name: a whole server for the idle colour, protected at server level. */
function stagingHostServer(config: SiteConfig): Lines {
  const host = config.nginx.staging?.host;
  if (!host) return [];
  return block('server', [
    ...listenLines(config),
    `server_name ${safe.host(host, 'nginx.staging.host')};`,
    ...tlsSettings(config),
    ...serverSettings(config),
    ...stagingProtection(config),
    '',
    ...routeLocations(config, idleVariable(config.app)),
  ]);
}

/**
 * On nginx's own unix socket, for the deploy's check after a switch: the same upstreams and proxy
 * settings as the public server, without its TLS, names or protections, and nothing but the colour
 * route and the health paths. It works where the public listener is HTTPS only or unreachable from
 * this machine's loopback.
 */
function checkServer(config: SiteConfig): Lines {
  return block('server', [
    `listen unix:${safe.path(serverLayout(config).checkSocket, 'server.root')};`,
    ...serverSettings(config),
    '',
    ...checkLocations(config, liveVariable(config.app)),
  ]);
}

/**
 * site.conf, included at http level (by the host's nginx.conf or the private one): the colours'
 * upstreams, the variables of live.conf, and the server blocks.
 */
export function renderSiteConf(config: SiteConfig): string {
  const app = safe.app(config.app, 'app');
  const layout = serverLayout(config);
  return file(
    header(`nginx site of ${app} (${safe.environment(config.environment, 'environment')})`),
    // live.conf defines the variables the server blocks use, so it comes first.
    [`include ${safe.path(layout.liveConf, 'server.root')};`],
    logFormat(app),
    requestIdMap(app),
    config.assets?.type === 'local' ? assetCacheMap(app) : [],
    renderUpstreams(config),
    renderColorFronts(config),
    redirectServer(config),
    mainServer(config),
    stagingHostServer(config),
    checkServer(config),
  );
}
