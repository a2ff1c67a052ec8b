import { type Config, EMBEDDED_DATABASE_VARIABLE, moduleEnvironment } from '@switchyard/config';
import { assetBaseUrl } from './assets-url';
import { embeddedDatabaseUrl, servesEmbeddedDatabase } from './embedded-database';
import { RenderError } from './errors';
import { safe } from './guard';
import { type Color, serverLayout } from './layout';

/*
 * Env files are read by systemd (EnvironmentFile=) and by dotenv (the plain-process driver).
 * Each value is written between single quotes, where both take every character literally up
 * to the next quote. So a value may not hold a quote, a backslash or a control character:
 * such a value is refused, never escaped into something the two parsers might read differently.
 */

const LITERAL_IN_SINGLE_QUOTES = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;
const RELEASE_ID = /^[A-Za-z0-9._-]{1,64}$/;

function line(name: string, value: string, key: string): string {
  safe.envName(name, key);
  if (!LITERAL_IN_SINGLE_QUOTES.test(value))
    throw new RenderError(`${key}: expected printable ASCII without quotes ('), backslashes or line breaks`);
  return `${name}='${value}'`;
}

function envFile(title: string, lines: string[]): string {
  return `# ${title}\n# Rendered by Switchyard: edits are lost at the next deploy.\n${lines.map((l) => `${l}\n`).join('')}`;
}

/** shared/env: the app's plain variables and its secrets (written with mode 0600). */
export function renderEnvFile(config: Pick<Config, 'app' | 'env' | 'secrets' | 'secretValues'>): string {
  const lines = Object.entries(config.env).map(([name, value]) => line(name, safe.plain(value, `env.${name}`), `env.${name}`));
  for (const name of config.secrets) {
    const secret = config.secretValues[name];
    if (!secret) throw new RenderError(`secrets.${name}: the secret is not loaded`);
    lines.push(line(name, secret.reveal(), `secrets.${name}`));
  }
  return envFile(`Environment of ${safe.app(config.app, 'app')}: variables and secrets. Keep this file 0600.`, lines);
}

type ColorEnvConfig = Pick<Config, 'app' | 'server' | 'start' | 'modules' | 'env' | 'nginx' | 'assets' | 'migrations'>;

/**
 * For apps that drain on SIGTERM themselves (optional: Switchyard sends SIGTERM only once nginx
 * has no connection left to the colour, or after nginx.drainMs): how long to keep answering with
 * Connection: close, and when to be gone. `env` in the config may set either differently.
 */
function drainVariables(config: ColorEnvConfig): Record<string, string> {
  const { upstreamKeepaliveMs, drainMs } = config.nginx;
  return { DRAIN_GRACE_MS: String(Math.min(upstreamKeepaliveMs + 500, drainMs)), DRAIN_TIMEOUT_MS: String(drainMs) };
}

/**
 * What one colour needs to know: who it is, which release, where to listen and write, which
 * modules, where its published assets are (the base URL, and the manifest naming each one's URL),
 * and where the embedded database is when Switchyard serves it.
 */
export function colorVariables(config: ColorEnvConfig, color: Color, releaseId: string): Record<string, string> {
  if (!RELEASE_ID.test(releaseId)) throw new RenderError('releaseId: expected 1–64 letters, digits and ._-');
  const listen = config.start.listen;
  const layout = serverLayout(config);
  const where: Record<string, string> =
    listen.type === 'socket'
      ? { SOCKET_PATH: layout.socket(color) }
      : { HOST: safe.ip(listen.address, 'start.listen.address'), PORT: String(safe.port(listen[color], `start.listen.${color}`)) };
  return {
    ...drainVariables(config),
    ...config.env,
    ...moduleEnvironment(config.modules),
    COLOR: color,
    RELEASE_ID: releaseId,
    TMPDIR: layout.colorTmpDir(color),
    ...where,
    ...(config.assets ? { ASSETS_BASE_URL: assetBaseUrl(config.assets), ASSETS_MANIFEST: layout.assetManifest(releaseId) } : {}),
    ...(servesEmbeddedDatabase(config) ? { [EMBEDDED_DATABASE_VARIABLE]: embeddedDatabaseUrl(layout) } : {}),
  };
}

/** run/<colour>.env (nothing secret, yet mode 0600: no one but the deploy needs it), read after shared/env by the unit and the plain driver. */
export function renderColorEnv(config: ColorEnvConfig, color: Color, releaseId: string): string {
  const lines = Object.entries(colorVariables(config, color, releaseId)).map(([name, value]) => line(name, value, `env.${name}`));
  return envFile(`Colour ${color} of ${safe.app(config.app, 'app')}, release ${releaseId}.`, lines);
}
