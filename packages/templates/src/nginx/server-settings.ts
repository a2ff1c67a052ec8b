import type { Config } from '@switchyard/config';
import { safe } from '../guard';
import { serverLayout } from '../layout';
import { block, type Lines } from './syntax';
import { logFormatName, requestIdVariable } from './names';
import { MAINTENANCE_ROUTE } from './locations';

type SettingsConfig = Pick<Config, 'app' | 'server' | 'nginx'>;

/** How long nginx tries the other colour after the first fails (connect errors, 502, 503). */
const RETRY_TIMEOUT = '10s';
/** A colour that does not accept a connection this fast is treated as down. */
const CONNECT_TIMEOUT = '2s';

const GZIP_TYPES = [
  'text/plain',
  'text/css',
  'text/xml',
  'text/javascript',
  'application/javascript',
  'application/json',
  'application/xml',
  'application/rss+xml',
  'image/svg+xml',
];

/** Settings shared by every server block that proxies to a colour. */
/**
 * Every server block logs here: one without an access_log would log to nginx's compiled-in
 * /var/log/nginx/access.log, which a private nginx run by the deploy user may not even open.
 */
export function accessLog(config: SettingsConfig): string {
  // Buffered: one write per 64 KiB or per second, not one per request, under load.
  return `access_log ${safe.path(serverLayout(config).nginxAccessLog, 'server.root')} ${logFormatName(config.app)} buffer=64k flush=1s;`;
}

export function serverSettings(config: SettingsConfig): Lines {
  return [
    accessLog(config),
    `client_max_body_size ${safe.size(config.nginx.clientMaxBodySize, 'nginx.clientMaxBodySize')};`,
    'server_tokens off;',
    '',
    'gzip on;',
    'gzip_vary on;',
    'gzip_proxied any;',
    'gzip_min_length 1024;',
    `gzip_types ${GZIP_TYPES.join(' ')};`,
    '',
    'proxy_http_version 1.1;',
    // An empty Connection header lets nginx reuse upstream connections (keepalive).
    'proxy_set_header Connection "";',
    'proxy_set_header Host $host;',
    `proxy_set_header X-Request-ID ${requestIdVariable(config.app)};`,
    'proxy_set_header X-Real-IP $remote_addr;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    `proxy_connect_timeout ${CONNECT_TIMEOUT};`,
    // A dying colour's request is retried once on the other colour (its upstream's backup).
    'proxy_next_upstream error timeout http_502 http_503;',
    'proxy_next_upstream_tries 2;',
    `proxy_next_upstream_timeout ${RETRY_TIMEOUT};`,
    '',
    // Only nginx's own errors (no colour answers) show the page; the app's 5xx pass through.
    `error_page 502 503 504 ${MAINTENANCE_ROUTE};`,
  ];
}

/** The staging route's protection: an address allow-list and/or basic auth (both must pass). */
export function stagingProtection(config: SettingsConfig): Lines {
  const staging = config.nginx.staging;
  if (!staging) return [];
  const lines: Lines = staging.allow.map((range) => `allow ${safe.cidr(range, 'nginx.staging.allow')};`);
  if (lines.length > 0) lines.push('deny all;');
  if (staging.basicAuth) {
    lines.push(`auth_basic "${safe.app(config.app, 'app')} staging";`);
    lines.push(`auth_basic_user_file ${safe.path(serverLayout(config).htpasswd, 'server.root')};`);
  }
  return lines;
}

export function tlsSettings(config: SettingsConfig): Lines {
  const tls = config.nginx.tls;
  if (!tls) return [];
  return [
    `ssl_certificate ${safe.path(tls.certificate, 'nginx.tls.certificate')};`,
    `ssl_certificate_key ${safe.path(tls.certificateKey, 'nginx.tls.certificateKey')};`,
    'ssl_protocols TLSv1.2 TLSv1.3;',
    'ssl_session_timeout 1d;',
  ];
}

/** The JSON access log; escape=json keeps client-controlled values inside their strings. */
export function logFormat(app: string): Lines {
  const fields = [
    ['time', '"$time_iso8601"'],
    ['request_id', `"${requestIdVariable(app)}"`],
    ['remote_addr', '"$remote_addr"'],
    ['host', '"$host"'],
    ['method', '"$request_method"'],
    ['uri', '"$request_uri"'],
    ['status', '$status'],
    ['bytes', '$body_bytes_sent'],
    ['duration', '$request_time'],
    ['upstream', '"$upstream_addr"'],
    ['upstream_status', '"$upstream_status"'],
    ['upstream_time', '"$upstream_response_time"'],
    ['user_agent', '"$http_user_agent"'],
  ];
  const parts = fields.map(([name, value], i) => `'${i === 0 ? '{' : ','}"${name}":${value}${i === fields.length - 1 ? '}' : ''}'`);
  return [`log_format ${logFormatName(app)} escape=json`, ...parts.slice(0, -1).map((p) => `    ${p}`), `    ${parts.at(-1)};`];
}

/** X-Request-ID: the client's when it looks like an id, else nginx's own $request_id. */
export function requestIdMap(app: string): Lines {
  return block(`map $http_x_request_id ${requestIdVariable(app)}`, [
    '"~^[A-Za-z0-9._:-]{1,128}$" $http_x_request_id;',
    'default $request_id;',
  ]);
}
