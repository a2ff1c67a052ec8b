import { values } from '@switchyard/config';
import { RenderError } from './errors';

interface Validator {
  safeParse(value: unknown): { success: boolean };
}

/**
 * Returns the value if it passes the config's own allow-list, else throws naming `key`.
 * Every config value a renderer writes goes through here (defence in depth: the same
 * allow-lists ran when the config loaded).
 */
function checked<T>(validator: Validator, value: T, key: string): T {
  if (!validator.safeParse(value).success) throw new RenderError(`${key}: rejected by the allow-list for this kind of value`);
  return value;
}

export const safe = {
  environment: (value: string, key: string) => checked(values.environmentName, value, key),
  path: (value: string, key: string) => checked(values.absolutePath, value, key),
  host: (value: string, key: string) => checked(values.hostName, value, key),
  ip: (value: string, key: string) => checked(values.ipAddress, value, key),
  cidr: (value: string, key: string) => checked(values.cidr, value, key),
  header: (value: string, key: string) => checked(values.httpHeaderName, value, key),
  size: (value: string, key: string) => checked(values.size, value, key),
  urlPath: (value: string, key: string) => checked(values.urlPath, value, key),
  app: (value: string, key: string) => checked(values.appName, value, key),
  user: (value: string, key: string) => checked(values.unixUser, value, key),
  envName: (value: string, key: string) => checked(values.envVarName, value, key),
  plain: (value: string, key: string) => checked(values.plainValue, value, key),
  argument: (value: string, key: string) => checked(values.argument, value, key),
  startArgument: (value: string, key: string) => checked(values.startArgument, value, key),
  port: (value: number, key: string) => checked(values.port, value, key),
};
