import type { Config } from '@switchyard/config';
import { renderColorEnv, renderEnvFile } from './env-file';
import { type Color, COLORS, serverLayout } from './layout';
import { checkLiveState, type LiveState, renderLiveColor } from './live-state';
import { renderLogPipeScript } from './log-pipe';
import { renderHtpasswd } from './nginx/htpasswd';
import { renderLiveConf } from './nginx/live-conf';
import { renderPrivateNginxConf } from './nginx/main-conf';
import { renderMaintenancePage } from './nginx/maintenance';
import { renderSiteConf } from './nginx/site';
import { appUnitName, renderAppUnit, renderWorkerUnit, workerUnitName } from './systemd/units';

export interface RenderedFile {
  /** Absolute path on the server (from serverLayout). */
  path: string;
  content: string;
  /**
   * 0o644 for what nginx or systemd's manager reads; 0o640 for htpasswd (nginx's workers read it
   * through its group); 0o600 for the env files (the secrets; a colour's own, which no one else needs).
   */
  mode: number;
  /** nginx: the group of nginx's workers (another user: nobody, www-data), which only a running nginx tells. */
  group?: 'nginx';
  /** Holds a secret, or what is made from one (htpasswd's hash): --dry-run says that it changes, never how. */
  secret?: true;
}

export interface RenderOptions {
  /** Release of each colour that has one: its run/<colour>.env is rendered too. */
  releases?: Partial<Record<Color, string>>;
}

/** Every file the server needs for this config and live state, in a stable order. */
export function renderAll(config: Config, live: LiveState, options: RenderOptions = {}): RenderedFile[] {
  checkLiveState(live);
  const layout = serverLayout(config);
  const files: RenderedFile[] = [
    { path: layout.siteConf, content: renderSiteConf(config), mode: 0o644 },
    { path: layout.liveConf, content: renderLiveConf(config), mode: 0o644 },
    { path: layout.maintenancePage, content: renderMaintenancePage(config), mode: 0o644 },
    { path: layout.liveColorFile, content: renderLiveColor(live), mode: 0o644 },
  ];
  const htpasswd = renderHtpasswd(config);
  if (htpasswd !== undefined) files.push({ path: layout.htpasswd, content: htpasswd, mode: 0o640, group: 'nginx', secret: true });
  if (config.nginx.mode === 'private') files.push({ path: layout.privateNginxConf, content: renderPrivateNginxConf(config), mode: 0o644 });
  files.push({ path: layout.envFile, content: renderEnvFile(config), mode: 0o600, secret: true });
  for (const color of COLORS) {
    const release = options.releases?.[color];
    if (release !== undefined) files.push({ path: layout.colorEnvFile(color), content: renderColorEnv(config, color, release), mode: 0o600 });
  }
  if (config.supervisor !== 'plain') {
    files.push({ path: layout.logPipeScript, content: renderLogPipeScript(), mode: 0o755 });
    files.push({ path: `${layout.systemdDir}/${appUnitName(config.app)}`, content: renderAppUnit(config), mode: 0o644 });
    const worker = renderWorkerUnit(config, live.live);
    if (worker !== undefined) files.push({ path: `${layout.systemdDir}/${workerUnitName(config.app)}`, content: worker, mode: 0o644 });
  }
  return files;
}
