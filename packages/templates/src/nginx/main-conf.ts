import type { Config } from '@switchyard/config';
import { safe } from '../guard';
import { NGINX_TEMP_KINDS, type NginxTempKind, serverLayout } from '../layout';
import { block, file, header, type Lines } from './syntax';

export interface NginxMainOptions {
  /** Shown in the header comment. */
  title: string;
  pidFile: string;
  errorLog: string;
  tempPath(kind: NginxTempKind): string;
  /** The site.conf to include at http level. */
  siteConf: string;
  /** Dynamic modules the site needs, as Debian installs them (brotli_static for precompressed assets). */
  modules?: readonly string[];
}

/** Where Debian's libnginx-mod-http-brotli-static puts the module a private nginx loads itself. */
export const BROTLI_STATIC_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';

/** The dynamic modules the site's directives need (brotli_static for brotli twins of the assets). */
export const nginxModules = (config: Pick<Config, 'assets'>): string[] =>
  config.assets?.type === 'local' && config.assets.precompress.includes('br') ? [BROTLI_STATIC_MODULE] : [];

/** Two workers are plenty in front of two Node processes; nginx is rarely the bottleneck here. */
const WORKER_PROCESSES = 2;

/** The types the site serves itself (the colour route, the maintenance page, static assets). */
const MIME_TYPES: Lines = [
  'text/html html htm;',
  'text/css css;',
  'text/plain txt;',
  'text/xml xml;',
  'application/javascript js mjs;',
  'application/json json map;',
  'application/wasm wasm;',
  'image/svg+xml svg;',
  'image/png png;',
  'image/jpeg jpg jpeg;',
  'image/gif gif;',
  'image/webp webp;',
  'image/avif avif;',
  'image/x-icon ico;',
  'font/woff woff;',
  'font/woff2 woff2;',
];

/**
 * A complete main nginx.conf that touches nothing outside the paths it is given: pid, error log
 * and all five temp paths are set (nginx -p DIR -c FILE then never reads /etc/nginx), and it has
 * its own MIME types rather than /etc/nginx/mime.types. No `user` directive: it runs as whoever
 * starts it.
 */
export function renderNginxMain(options: NginxMainOptions): string {
  const temps = NGINX_TEMP_KINDS.map((kind) => `${kind}_temp_path ${safe.path(options.tempPath(kind), 'server.root')};`);
  return file(
    header(options.title),
    [
      ...(options.modules ?? []).map((module) => `load_module ${safe.path(module, 'assets.precompress')};`),
      'daemon on;',
      `worker_processes ${WORKER_PROCESSES};`,
      `pid ${safe.path(options.pidFile, 'server.root')};`,
      `error_log ${safe.path(options.errorLog, 'server.root')} warn;`,
    ],
    block('events', ['worker_connections 1024;']),
    block('http', [
      ...temps,
      '',
      ...block('types', MIME_TYPES),
      'default_type application/octet-stream;',
      'sendfile on;',
      'tcp_nopush on;',
      'server_tokens off;',
      '',
      `include ${safe.path(options.siteConf, 'server.root')};`,
    ]),
  );
}

/** The private nginx's main config (nginx.mode = "private"), run as `nginx -p <nginxDir> -c <this file>`. */
export function renderPrivateNginxConf(config: Pick<Config, 'app' | 'server' | 'assets'>): string {
  const layout = serverLayout(config);
  return renderNginxMain({
    title: `Private nginx of ${safe.app(config.app, 'app')}: nginx -p ${layout.nginxDir} -c ${layout.privateNginxConf}`,
    pidFile: layout.privateNginxPid,
    errorLog: layout.nginxErrorLog,
    tempPath: layout.privateNginxTemp,
    siteConf: layout.siteConf,
    // A system nginx loads its modules from /etc/nginx/modules-enabled, where the package enables them.
    modules: nginxModules(config),
  });
}
