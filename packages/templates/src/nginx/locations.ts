import { type Config, moduleRoutes } from '@switchyard/config';
import { RenderError } from '../errors';
import { safe } from '../guard';
import { serverLayout } from '../layout';
import { block, type Lines } from './syntax';
import { assetCacheVariable } from './names';

const RESERVED_PREFIX = '/__switchyard/';
export const COLOR_ROUTE = `${RESERVED_PREFIX}color`;
export const MAINTENANCE_ROUTE = `${RESERVED_PREFIX}maintenance.html`;
export const ASSETS_ROUTE = '/assets/';

type LocationConfig = Pick<Config, 'app' | 'server' | 'modules' | 'health' | 'assets'>;

const proxyTo = (variable: string) => [`proxy_pass http://${variable};`];

/** Health paths are exact locations, so they reach the app whatever modules are enabled. */
function healthPaths(config: LocationConfig): string[] {
  const paths = [config.health.path, ...config.health.checks.map((check) => check.path)];
  return [...new Set(paths)].map((path) => {
    safe.urlPath(path, 'health.path');
    // nginx refuses two identical exact locations; these belong to Switchyard.
    if (path.startsWith(RESERVED_PREFIX)) throw new RenderError(`health.path: ${RESERVED_PREFIX} is reserved for Switchyard's own routes`);
    return path;
  });
}

/** The colour route: the file the deploy writes at each switch; no app involved. */
function colorRoute(config: LocationConfig): Lines {
  return block(`location = ${COLOR_ROUTE}`, [
    'types { }',
    'default_type text/plain;',
    'add_header Cache-Control "no-store" always;',
    `alias ${safe.path(serverLayout(config).liveColorFile, 'server.root')};`,
  ]);
}

/** The page nginx shows for its own 502/503/504 (serverSettings' error_page). */
function maintenanceRoute(config: LocationConfig): Lines {
  return block(`location = ${MAINTENANCE_ROUTE}`, ['internal;', `alias ${safe.path(serverLayout(config).maintenancePage, 'server.root')};`]);
}

/** Only what the deploy asks after a switch: which colour is live, and the health paths through it. */
export function checkLocations(config: LocationConfig, variable: string): Lines {
  const lines: Lines = [...colorRoute(config), ...maintenanceRoute(config)];
  for (const path of healthPaths(config)) lines.push(...block(`location = ${path}`, proxyTo(variable)));
  return [...lines, ...block('location /', ['return 404;'])];
}

/**
 * Every location of a server whose traffic goes to `variable` (the live upstream, or the idle one
 * on the staging host). Paths no enabled module covers answer 404 without reaching the app.
 */
export function routeLocations(config: LocationConfig, variable: string): Lines {
  const routes = moduleRoutes(config.modules).map((route) => safe.urlPath(route, 'modules'));
  const lines: Lines = [...colorRoute(config), ...maintenanceRoute(config)];
  for (const path of healthPaths(config)) lines.push(...block(`location = ${path}`, proxyTo(variable)));
  if (config.assets?.type === 'local') {
    const directory = safe.path(config.assets.directory, 'assets.directory').replace(/\/?$/, '/');
    lines.push(
      ...block(`location ${ASSETS_ROUTE}`, [
        `alias ${directory};`,
        'access_log off;',
        `add_header Cache-Control ${assetCacheVariable(config.app)} always;`,
        // The twins the publisher wrote (app.css.gz), sent as they are to clients that accept them.
        ...(config.assets.precompress.includes('gzip') ? ['gzip_static on;', 'gzip_vary on;'] : []),
        ...(config.assets.precompress.includes('br') ? ['brotli_static on;'] : []),
        // The publisher's own files (metadata, manifests, a write's temp file) are not assets.
        ...block(`location ~ ^${ASSETS_ROUTE}(\\.switchyard|.*/\\.tmp-)`, ['return 404;']),
      ]),
    );
  }
  if (!routes.includes('/')) lines.push(...block('location /', ['return 404;']));
  for (const route of routes) lines.push(...block(`location ${route}`, proxyTo(variable)));
  return lines;
}
