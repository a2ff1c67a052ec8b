import { z } from 'zod';
import {
  APP_NAME,
  ARGUMENT,
  COMMAND_VARIABLES,
  ENV_NAME,
  HOST_NAME,
  HTTP_HEADER_NAME,
  MAX_ARGUMENT,
  MAX_HOST_NAME,
  MAX_PATH,
  MAX_PLAIN_VALUE,
  MAX_URL_PATH,
  PATH_CHARS,
  PRINTABLE_ASCII,
  SIZE,
  START_ARGUMENT,
  UNIX_USER,
  URL_PATH,
  hasDotDot,
  hasQuoteOrSpecifier,
  isAbsolutePath,
  isCidr,
  isIpAddress,
  isUrlPathWithoutDotDot,
} from './allow-lists';
import { ENVIRONMENT_NAME } from './names';

/*
 * Building blocks for every value that may reach nginx, systemd or a shell. Each one is an
 * allow-list (allow-lists.ts holds the rules): escaping alone is not trusted, so a value either
 * matches or the config is rejected.
 */

export { APP_NAME, COMMAND_VARIABLES, ENV_NAME, ENVIRONMENT_NAME };
export const environmentName = z.string().regex(ENVIRONMENT_NAME, { error: 'expected 1–32 lowercase letters, digits or "-"' });
const APP_NAME_RULE = 'expected 2–32 lowercase letters, digits or "-", starting with a letter';
export const appName = z
  .string({ error: APP_NAME_RULE })
  .regex(APP_NAME, { error: APP_NAME_RULE })
  .describe('The app name: names units, directories and the nginx upstream');

export const absolutePath = z
  .string()
  .max(MAX_PATH, { error: `expected a path of at most ${MAX_PATH} characters` })
  .refine(isAbsolutePath, {
    error: 'expected an absolute path of letters, digits and ._/@+=,- without ".."',
  });

export const relativePath = z
  .string()
  .max(MAX_PATH, { error: `expected a path of at most ${MAX_PATH} characters` })
  .refine((p) => p.length > 0 && !p.startsWith('/') && PATH_CHARS.test(p) && !hasDotDot(p), {
    error: 'expected a relative path of letters, digits and ._/@+=,- without ".."',
  });

export const anyPath = z
  .string()
  .max(MAX_PATH, { error: `expected a path of at most ${MAX_PATH} characters` })
  .refine((p) => p.length > 0 && PATH_CHARS.test(p) && !hasDotDot(p), {
    error: 'expected a path of letters, digits and ._/@+=,- without ".."',
  });

export const hostName = z
  .string()
  .max(MAX_HOST_NAME, { error: `expected a host name of at most ${MAX_HOST_NAME} characters` })
  .regex(HOST_NAME, { error: 'expected a lowercase DNS host name such as "shop.example.com"' });

export const ipAddress = z.string().refine(isIpAddress, { error: 'expected an IPv4 or IPv6 address' });

export const cidr = z.string().refine(isCidr, { error: 'expected an IP address or CIDR range such as "10.0.0.0/8"' });

export const port = z
  .number({ error: 'expected a TCP port number' })
  .int({ error: 'expected a whole TCP port number' })
  .min(1, { error: 'expected a TCP port from 1 to 65535' })
  .max(65535, { error: 'expected a TCP port from 1 to 65535' });

export const milliseconds = z
  .number({ error: 'expected a number of milliseconds' })
  .int({ error: 'expected a whole number of milliseconds' })
  .min(0, { error: 'expected a number of milliseconds, 0 or more' })
  .max(86_400_000, { error: 'expected at most a day (86400000 ms)' });

export const seconds = z
  .number({ error: 'expected a number of seconds' })
  .int({ error: 'expected a whole number of seconds' })
  .min(1, { error: 'expected at least 1 second' })
  .max(86_400, { error: 'expected at most a day (86400 s)' });

export const unixUser = z
  .string()
  .regex(UNIX_USER, { error: 'expected a Unix user name (lowercase, at most 32 characters)' });

export const envVarName = z
  .string()
  .regex(ENV_NAME, { error: 'expected an environment variable name of A–Z, 0–9 and "_"' });

export const plainValue = z
  .string()
  .max(MAX_PLAIN_VALUE, { error: `expected at most ${MAX_PLAIN_VALUE} characters` })
  .regex(PRINTABLE_ASCII, { error: 'expected printable ASCII without line breaks' })
  .refine((v) => !hasQuoteOrSpecifier(v), { error: 'expected no quotes, backslashes, "$" or "%"' });

export const argument = z
  .string()
  .min(1, { error: 'expected a non-empty argument' })
  .max(MAX_ARGUMENT, { error: `expected an argument of at most ${MAX_ARGUMENT} characters` })
  .regex(ARGUMENT, { error: 'expected letters, digits and ._/@+=,:- only (one argument per array item)' });

export const command = z
  .array(argument, { error: 'expected a command as an array of arguments, such as ["node", "server.js"]' })
  .min(1, { error: 'expected at least the program to run' })
  .max(64, { error: 'expected at most 64 arguments' });

export type CommandVariable = (typeof COMMAND_VARIABLES)[number];
export const COMMAND_VARIABLE = new RegExp(`\\$\\{(${COMMAND_VARIABLES.join('|')})\\}`, 'g');

export const startArgument = z
  .string()
  .min(1, { error: 'expected a non-empty argument' })
  .max(MAX_ARGUMENT, { error: `expected an argument of at most ${MAX_ARGUMENT} characters` })
  .regex(START_ARGUMENT, {
    error: `expected letters, digits and ._/@+=,:- only, and \${NAME} for one of ${COMMAND_VARIABLES.join(', ')} (one argument per array item)`,
  });

export const startCommand = z
  .array(startArgument, { error: 'expected a command as an array of arguments, such as ["node", "server.js"]' })
  .min(1, { error: 'expected at least the program to run' })
  .max(64, { error: 'expected at most 64 arguments' });

/** The `${NAME}` variables an argument uses. */
export function commandVariables(arg: string): CommandVariable[] {
  return [...arg.matchAll(COMMAND_VARIABLE)].map((match) => match[1] as CommandVariable);
}

export const urlPath = z
  .string()
  .max(MAX_URL_PATH, { error: `expected a path of at most ${MAX_URL_PATH} characters` })
  .regex(URL_PATH, { error: 'expected a URL path such as "/health"' })
  .refine(isUrlPathWithoutDotDot, { error: 'expected a URL path without ".."' });

export const httpHeaderName = z
  .string()
  .regex(HTTP_HEADER_NAME, { error: 'expected an HTTP header name such as "X-Switchyard-Staging"' });

export const size = z
  .string()
  .regex(SIZE, { error: 'expected an nginx size such as "10m", "512k" or "1g"' });

export const secretName = envVarName;
