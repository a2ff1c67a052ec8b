import { allowed } from '@switchyard/config';
import { RenderError } from './errors';

/**
 * Returns the value if it passes the config's own allow-list, else throws naming `key`.
 * Every config value a renderer writes goes through here (defence in depth: the same
 * allow-lists ran when the config loaded).
 */
function checked<T>(passes: (value: T) => boolean, value: T, key: string): T {
  if (!passes(value)) throw new RenderError(`${key}: rejected by the allow-list for this kind of value`);
  return value;
}

export const safe = {
  environment: (value: string, key: string) => checked(allowed.environment, value, key),
  path: (value: string, key: string) => checked(allowed.path, value, key),
  host: (value: string, key: string) => checked(allowed.host, value, key),
  ip: (value: string, key: string) => checked(allowed.ip, value, key),
  cidr: (value: string, key: string) => checked(allowed.cidr, value, key),
  header: (value: string, key: string) => checked(allowed.header, value, key),
  size: (value: string, key: string) => checked(allowed.size, value, key),
  urlPath: (value: string, key: string) => checked(allowed.urlPath, value, key),
  app: (value: string, key: string) => checked(allowed.app, value, key),
  user: (value: string, key: string) => checked(allowed.user, value, key),
  envName: (value: string, key: string) => checked(allowed.envName, value, key),
  plain: (value: string, key: string) => checked(allowed.plain, value, key),
  argument: (value: string, key: string) => checked(allowed.argument, value, key),
  startArgument: (value: string, key: string) => checked(allowed.startArgument, value, key),
  port: (value: number, key: string) => checked(allowed.port, value, key),
};
