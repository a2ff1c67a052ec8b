import { join } from 'node:path';
import type { Config } from '@switchyard/config';

export const COLORS = ['blue', 'green'] as const;
export type Color = (typeof COLORS)[number];

export function otherColor(color: Color): Color {
  return color === 'blue' ? 'green' : 'blue';
}

/**
 * Where everything lives on the server, under <root>/<app>/: releases/, shared/, colors/<colour>
 * links, run/ (sockets and their links), nginx/, state.json, deploy.lock and log/.
 */
export interface ServerLayout {
  appRoot: string;
  releasesDir: string;
  release(id: string): string;
  /** The release's asset manifest (logical name → URL), written by the deploy that published them. */
  assetManifest(id: string): string;
  sharedDir: string;
  /** Secrets and plain variables for the app; mode 0600. */
  envFile: string;
  /** PGlite's data directory (migrations.database "pglite"): the embedded database outlives releases. */
  pgliteDir: string;
  /** The embedded database's server: its socket directory (libpq's `host=`), pid file and log. */
  pgliteSocketDir: string;
  pglitePidFile: string;
  pgliteLog: string;
  colorsDir: string;
  /** colors/<colour> -> ../releases/<id> */
  colorLink(color: Color): string;
  runDir: string;
  /** The socket a colour is reached at: its own (socket mode), or its nginx front (ports). */
  socket(color: Color): string;
  /** Symlink to the live colour's socket; nginx's live upstream points here. */
  liveSocket: string;
  /** Symlink to the idle colour's socket: the live upstream's backup and the staging route. */
  idleSocket: string;
  /** The canary buckets' links (socket mode): NN.sock and NN.backup.sock, each to live.sock or idle.sock. */
  bucketsDir: string;
  /** run/buckets/NN.sock (primary) or NN.backup.sock: what bucket NN's upstream connects to. */
  bucketSocket(bucket: number, role: BucketRole): string;
  /**
   * nginx's own socket for Switchyard's checks after a switch (the colour route and the health
   * paths, through the live upstream): it answers whatever the public listener does (TLS, names).
   */
  checkSocket: string;
  /** Plain text naming the live colour (and canary weight), served at /__switchyard/color. */
  liveColorFile: string;
  nginxDir: string;
  /** The app's nginx site: upstreams and server blocks. */
  siteConf: string;
  /** The variables saying which upstream takes traffic: rewritten at a port switch; constant with sockets. */
  liveConf: string;
  htpasswd: string;
  maintenancePage: string;
  /** The private nginx's own main config, pid file and temp directories (nginx.mode = private). */
  privateNginxConf: string;
  privateNginxPid: string;
  stateFile: string;
  lockFile: string;
  logDir: string;
  auditLog: string;
  /** A colour's stdout and stderr (plain processes, and systemd where there is no journal). */
  colorLog(color: Color): string;
  /** Per-colour variables (COLOR, RELEASE_ID, SOCKET_PATH or PORT, modules); beside the sockets. */
  colorEnvFile(color: Color): string;
  /** The worker unit's stdout and stderr. */
  workerLog: string;
  /** bin/log-pipe: how systemd units start a colour, its output through a bounded log writer. */
  logPipeScript: string;
  nginxAccessLog: string;
  nginxErrorLog: string;
  /** Temp directories of the private nginx; nginx creates each one, so they sit directly in nginxDir. */
  privateNginxTemp(kind: NginxTempKind): string;
  /** nginx.mode system: the conf.d file (written by server:init) that includes siteConf. */
  systemNginxInclude: string;
  /** server.privilege sudo: the sudoers file (written by server:init) allowing PRIVILEGED_COMMANDS. */
  sudoersFile: string;
  /** Rendered unit files; the host installs them into the systemd manager (link or copy). */
  systemdDir: string;
  /** Each colour's own writable temp directory (its TMPDIR), emptied at each start. */
  tmpDir: string;
  colorTmpDir(color: Color): string;
  /** Where a persistent path of `shared.dirs` / `shared.files` lives, linked into each release. */
  sharedPath(path: string): string;
}

export type BucketRole = 'primary' | 'backup';

/** "00" … "99": bucket numbers as they appear in file and upstream names. */
export const bucketId = (bucket: number) => String(bucket).padStart(2, '0');

export const NGINX_TEMP_KINDS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;
export type NginxTempKind = (typeof NGINX_TEMP_KINDS)[number];

export function serverLayout(config: Pick<Config, 'app' | 'server'>): ServerLayout {
  const appRoot = join(config.server.root, config.app);
  const releasesDir = join(appRoot, 'releases');
  const colorsDir = join(appRoot, 'colors');
  const runDir = join(appRoot, 'run');
  const nginxDir = join(appRoot, 'nginx');
  const logDir = join(appRoot, 'log');
  const sharedDir = join(appRoot, 'shared');
  return {
    appRoot,
    releasesDir,
    release: (id) => join(releasesDir, id),
    assetManifest: (id) => join(releasesDir, id, '.switchyard', 'assets-manifest.json'),
    sharedDir,
    envFile: join(sharedDir, 'env'),
    pgliteDir: join(sharedDir, 'pglite'),
    pgliteSocketDir: join(runDir, 'pglite'),
    pglitePidFile: join(runDir, 'pglite.pid'),
    pgliteLog: join(logDir, 'pglite.log'),
    colorsDir,
    colorLink: (color) => join(colorsDir, color),
    runDir,
    socket: (color) => join(runDir, `${color}.sock`),
    liveSocket: join(runDir, 'live.sock'),
    idleSocket: join(runDir, 'idle.sock'),
    bucketsDir: join(runDir, 'buckets'),
    bucketSocket: (bucket, role) => join(runDir, 'buckets', `${bucketId(bucket)}${role === 'backup' ? '.backup' : ''}.sock`),
    liveColorFile: join(runDir, 'live-color'),
    checkSocket: join(runDir, 'check.sock'),
    nginxDir,
    siteConf: join(nginxDir, 'site.conf'),
    liveConf: join(nginxDir, 'live.conf'),
    htpasswd: join(nginxDir, 'htpasswd'),
    maintenancePage: join(nginxDir, 'maintenance.html'),
    privateNginxConf: join(nginxDir, 'nginx.conf'),
    privateNginxPid: join(nginxDir, 'nginx.pid'),
    stateFile: join(appRoot, 'state.json'),
    lockFile: join(appRoot, 'deploy.lock'),
    logDir,
    auditLog: join(logDir, 'deploys.jsonl'),
    colorLog: (color) => join(logDir, `${color}.log`),
    colorEnvFile: (color) => join(runDir, `${color}.env`),
    workerLog: join(logDir, 'worker.log'),
    logPipeScript: join(appRoot, 'bin', 'log-pipe'),
    nginxAccessLog: join(logDir, 'nginx-access.log'),
    nginxErrorLog: join(logDir, 'nginx-error.log'),
    privateNginxTemp: (kind) => join(nginxDir, `${kind}_temp`),
    systemNginxInclude: `/etc/nginx/conf.d/switchyard-${config.app}.conf`,
    sudoersFile: `/etc/sudoers.d/switchyard-${config.app}`,
    systemdDir: join(appRoot, 'systemd'),
    tmpDir: join(appRoot, 'tmp'),
    colorTmpDir: (color) => join(appRoot, 'tmp', color),
    sharedPath: (path) => join(sharedDir, path),
  };
}
