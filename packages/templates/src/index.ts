export {
  COLORS,
  type Color,
  NGINX_TEMP_KINDS,
  type NginxTempKind,
  bucketId,
  type BucketRole,
  otherColor,
  serverLayout,
  type ServerLayout,
} from './layout';
export { RenderError } from './errors';
export { BUCKETS, bucketLinks, type LinkSpec } from './buckets';
export { checkLiveState, type LiveState, renderLiveColor } from './live-state';
export { renderAll, type RenderedFile, type RenderOptions } from './render-all';
export { renderSiteConf } from './nginx/site';
export { renderLiveConf } from './nginx/live-conf';
export { BROTLI_STATIC_MODULE, nginxModules, renderNginxMain, type NginxMainOptions, renderPrivateNginxConf } from './nginx/main-conf';
export { renderHtpasswd } from './nginx/htpasswd';
export { renderMaintenancePage } from './nginx/maintenance';
export { COLOR_ROUTE, MAINTENANCE_ROUTE, ASSETS_ROUTE } from './nginx/locations';
export { bucketUpstreamName, CANARY_COOKIE, upstreamName } from './nginx/names';
export { appUnitName, execStart, renderAppUnit, renderWorkerUnit, workerUnitName } from './systemd/units';
export { type HardeningProfile } from './systemd/hardening';
export { colorVariables, renderColorEnv, renderEnvFile } from './env-file';
export { assetBaseUrl } from './assets-url';
export { EMBEDDED_DATABASE_PORT, embeddedDatabaseSocket, embeddedDatabaseUrl, servesEmbeddedDatabase } from './embedded-database';
export { diffText } from './diff';
export { LOG_MAX_BYTES, LOG_PIPE_LINES, renderLogPipeScript } from './log-pipe';
export { PRIVILEGED_COMMANDS, type ProgramPaths, renderSudoers, renderSystemNginxInclude } from './privileged';
