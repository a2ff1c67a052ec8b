import { createHash } from 'node:crypto';
import type { Config } from '@switchyard/config';
import { RenderError } from '../errors';

/*
 * nginx's auth_basic_user_file accepts {SSHA}: base64(sha1(password + salt) + salt). The salt is
 * derived from the app, user and password instead of drawn at random, so the same inputs always
 * render the same file (stable golden files, no rewrite and reload when nothing changed).
 */

const SALT_BYTES = 8;
const USER = /^[A-Za-z0-9._-]{1,64}$/;

function sshaHash(password: string, salt: Buffer): string {
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** The htpasswd line of the staging route, or undefined when it has no basic auth. */
export function renderHtpasswd(config: Pick<Config, 'app' | 'nginx' | 'secretValues'>): string | undefined {
  const auth = config.nginx.staging?.basicAuth;
  if (!auth) return undefined;
  if (!USER.test(auth.user)) throw new RenderError('nginx.staging.basicAuth.user: expected letters, digits and ._-');
  const secret = config.secretValues[auth.passwordSecret];
  if (!secret) throw new RenderError(`nginx.staging.basicAuth.passwordSecret: secret ${auth.passwordSecret} is not loaded`);
  const password = secret.reveal();
  const salt = createHash('sha256').update(`${config.app}\0${auth.user}\0${password}`).digest().subarray(0, SALT_BYTES);
  return `${auth.user}:${sshaHash(password, salt)}\n`;
}
