import { ENVIRONMENT_NAME } from './names';

/*
 * The allow-lists every value that may reach nginx, systemd or a shell must pass, as plain
 * predicates: values.ts builds the config's zod schemas from these same rules (with an error
 * message for each part), and the renderers check them again without loading zod (a switch that
 * moves the worker renders its unit; zod is most of a command's start-up).
 */

export const MAX_PATH = 4096;
export const MAX_ARGUMENT = 1024;
export const MAX_URL_PATH = 1024;
export const MAX_HOST_NAME = 253;
export const MAX_PLAIN_VALUE = 4096;

export const APP_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
// No "..", no whitespace, no quotes, no shell or nginx syntax.
export const PATH_CHARS = /^[A-Za-z0-9._/@+=,-]+$/;
export const hasDotDot = (p: string) => p.split('/').includes('..');
// RFC 1123 labels; a leading "*." wildcard as nginx accepts it.
export const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:]+$/i;
export const UNIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
export const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// Printable ASCII without quotes, backslashes, "$" or "%" (systemd specifiers): safe in an
// EnvironmentFile, a unit's Environment= and a shell.
export const hasQuoteOrSpecifier = (v: string) => /["'`\\$%]/.test(v);
// One argument of a command run by systemd or a shell: printable ASCII with no characters that a
// shell, systemd's ExecStart parser or nginx would treat specially.
const ARGUMENT_CHARS = '[A-Za-z0-9._/@+=,:-]';
export const ARGUMENT = new RegExp(`^${ARGUMENT_CHARS}+$`);

/**
 * What a colour's start command may name as `${NAME}`: its own variables, which differ per colour.
 * systemd expands them in ExecStart (each `${NAME}` stays within its one argument); the plain
 * driver expands them the same way. Never a shell.
 */
export const COMMAND_VARIABLES = ['SOCKET_PATH', 'HOST', 'PORT', 'COLOR', 'RELEASE_ID', 'TMPDIR'] as const;
export const START_ARGUMENT = new RegExp(`^(${ARGUMENT_CHARS}|\\$\\{(${COMMAND_VARIABLES.join('|')})\\})+$`);
export const URL_PATH = /^\/[A-Za-z0-9._~/-]*$/;
export const HTTP_HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;
export const SIZE = /^\d{1,6}[kmg]?$/;

export const isAbsolutePath = (p: string) => p.startsWith('/') && PATH_CHARS.test(p) && !hasDotDot(p);
export const isIpAddress = (a: string) => IPV4.test(a) || (a.includes(':') && IPV6.test(a) && a.length <= 39);

export function isCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined || !isIpAddress(address)) return false;
  if (bits === undefined) return true;
  const max = address.includes(':') ? 128 : 32;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

export const isUrlPathWithoutDotDot = (p: string) => !p.split('/').includes('..');

const isPort = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;

/** Each allow-list whole, as the renderers check it: true when the value may be written. */
export const allowed = {
  environment: (v: string) => ENVIRONMENT_NAME.test(v),
  app: (v: string) => APP_NAME.test(v),
  path: (v: string) => v.length <= MAX_PATH && isAbsolutePath(v),
  host: (v: string) => v.length <= MAX_HOST_NAME && HOST_NAME.test(v),
  ip: isIpAddress,
  cidr: isCidr,
  header: (v: string) => HTTP_HEADER_NAME.test(v),
  size: (v: string) => SIZE.test(v),
  urlPath: (v: string) => v.length <= MAX_URL_PATH && URL_PATH.test(v) && isUrlPathWithoutDotDot(v),
  user: (v: string) => UNIX_USER.test(v),
  envName: (v: string) => ENV_NAME.test(v),
  plain: (v: string) => v.length <= MAX_PLAIN_VALUE && PRINTABLE_ASCII.test(v) && !hasQuoteOrSpecifier(v),
  argument: (v: string) => v.length >= 1 && v.length <= MAX_ARGUMENT && ARGUMENT.test(v),
  startArgument: (v: string) => v.length >= 1 && v.length <= MAX_ARGUMENT && START_ARGUMENT.test(v),
  port: isPort,
};
