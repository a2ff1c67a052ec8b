import { z } from 'zod';

/*
 * Building blocks for every value that may reach nginx, systemd or a shell. Each one is an
 * allow-list: escaping alone is not trusted, so a value either matches or the config is rejected.
 */

export const APP_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

/** The name of an environment: the file config/<name>.json. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,31}$/;
export const environmentName = z.string().regex(ENVIRONMENT_NAME, { error: 'expected 1–32 lowercase letters, digits or "-"' });
const APP_NAME_RULE = 'expected 2–32 lowercase letters, digits or "-", starting with a letter';
export const appName = z
  .string({ error: APP_NAME_RULE })
  .regex(APP_NAME, { error: APP_NAME_RULE })
  .describe('The app name: names units, directories and the nginx upstream');

// No "..", no whitespace, no quotes, no shell or nginx syntax.
const PATH_CHARS = /^[A-Za-z0-9._/@+=,-]+$/;
const hasDotDot = (p: string) => p.split('/').includes('..');

export const absolutePath = z
  .string()
  .max(4096, { error: 'expected a path of at most 4096 characters' })
  .refine((p) => p.startsWith('/') && PATH_CHARS.test(p) && !hasDotDot(p), {
    error: 'expected an absolute path of letters, digits and ._/@+=,- without ".."',
  });

export const relativePath = z
  .string()
  .max(4096, { error: 'expected a path of at most 4096 characters' })
  .refine((p) => p.length > 0 && !p.startsWith('/') && PATH_CHARS.test(p) && !hasDotDot(p), {
    error: 'expected a relative path of letters, digits and ._/@+=,- without ".."',
  });

export const anyPath = z
  .string()
  .max(4096, { error: 'expected a path of at most 4096 characters' })
  .refine((p) => p.length > 0 && PATH_CHARS.test(p) && !hasDotDot(p), {
    error: 'expected a path of letters, digits and ._/@+=,- without ".."',
  });

// RFC 1123 labels; a leading "*." wildcard as nginx accepts it.
const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const hostName = z
  .string()
  .max(253, { error: 'expected a host name of at most 253 characters' })
  .regex(HOST_NAME, { error: 'expected a lowercase DNS host name such as "shop.example.com"' });

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:]+$/i;
export const ipAddress = z
  .string()
  .refine((a) => IPV4.test(a) || (a.includes(':') && IPV6.test(a) && a.length <= 39), {
    error: 'expected an IPv4 or IPv6 address',
  });

export const cidr = z.string().refine(
  (value) => {
    const [address, bits, ...rest] = value.split('/');
    if (rest.length > 0 || address === undefined) return false;
    if (!ipAddress.safeParse(address).success) return false;
    if (bits === undefined) return true;
    const max = address.includes(':') ? 128 : 32;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
  },
  { error: 'expected an IP address or CIDR range such as "10.0.0.0/8"' },
);

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
  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: 'expected a Unix user name (lowercase, at most 32 characters)' });

export const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
export const envVarName = z
  .string()
  .regex(ENV_NAME, { error: 'expected an environment variable name of A–Z, 0–9 and "_"' });

// Printable ASCII without quotes, backslashes, "$" or "%" (systemd specifiers): safe in an
// EnvironmentFile, a unit's Environment= and a shell.
export const plainValue = z
  .string()
  .max(4096, { error: 'expected at most 4096 characters' })
  .regex(/^[\x20-\x7e]*$/, { error: 'expected printable ASCII without line breaks' })
  .refine((v) => !/["'`\\$%]/.test(v), { error: 'expected no quotes, backslashes, "$" or "%"' });

// One argument of a command run by systemd or a shell: printable ASCII with no characters that a
// shell, systemd's ExecStart parser or nginx would treat specially.
const ARGUMENT_CHARS = '[A-Za-z0-9._/@+=,:-]';
export const argument = z
  .string()
  .min(1, { error: 'expected a non-empty argument' })
  .max(1024, { error: 'expected an argument of at most 1024 characters' })
  .regex(new RegExp(`^${ARGUMENT_CHARS}+$`), { error: 'expected letters, digits and ._/@+=,:- only (one argument per array item)' });

export const command = z
  .array(argument, { error: 'expected a command as an array of arguments, such as ["node", "server.js"]' })
  .min(1, { error: 'expected at least the program to run' })
  .max(64, { error: 'expected at most 64 arguments' });

/**
 * What a colour's start command may name as `${NAME}`: its own variables, which differ per colour.
 * systemd expands them in ExecStart (each `${NAME}` stays within its one argument); the plain
 * driver expands them the same way. Never a shell.
 */
export const COMMAND_VARIABLES = ['SOCKET_PATH', 'HOST', 'PORT', 'COLOR', 'RELEASE_ID', 'TMPDIR'] as const;
export type CommandVariable = (typeof COMMAND_VARIABLES)[number];
export const COMMAND_VARIABLE = new RegExp(`\\$\\{(${COMMAND_VARIABLES.join('|')})\\}`, 'g');

export const startArgument = z
  .string()
  .min(1, { error: 'expected a non-empty argument' })
  .max(1024, { error: 'expected an argument of at most 1024 characters' })
  .regex(new RegExp(`^(${ARGUMENT_CHARS}|\\$\\{(${COMMAND_VARIABLES.join('|')})\\})+$`), {
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
  .max(1024, { error: 'expected a path of at most 1024 characters' })
  .regex(/^\/[A-Za-z0-9._~/-]*$/, { error: 'expected a URL path such as "/health"' })
  .refine((p) => !p.split('/').includes('..'), { error: 'expected a URL path without ".."' });

export const httpHeaderName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, { error: 'expected an HTTP header name such as "X-Switchyard-Staging"' });

export const size = z
  .string()
  .regex(/^\d{1,6}[kmg]?$/, { error: 'expected an nginx size such as "10m", "512k" or "1g"' });

export const secretName = envVarName;
