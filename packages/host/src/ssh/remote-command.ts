import { KILL_AFTER_MS } from '../command-timeouts';

/**
 * One argument for a POSIX shell: single quotes, with each ' written as '\''. Not zx's quote, which
 * emits bash's $'…' form: ssh hands the command to the login shell of the remote user, and on
 * Debian `useradd` gives new users /bin/sh (dash), which reads $'…' as a literal dollar sign.
 */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs on the server in front of every command. Arguments: clean|keep, 1 when variables come on
 * stdin, the working directory or "", a timeout in seconds or "", then the command itself.
 * - A command stopped at its timeout is told by timeout(1)'s status (124, or 137 after KILL)
 *   together with its --verbose line on stderr ("timeout: sending signal …"): timedOut.
 * - PATH gains the sbin directories: a non-root SSH session on Debian lacks /usr/sbin, where nginx is.
 * - clean: every inherited variable but PATH is dropped, as the local runner's inheritEnv: false does.
 * - Variables arrive as NAME=base64 lines ended by an empty line: values never appear in an argv
 *   (which `ps` shows) and may hold any byte. sh's read takes one byte at a time from a pipe, so what
 *   follows the empty line stays on stdin for the command.
 */
const PRELUDE = [
  'PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH',
  'if [ "$1" = clean ]; then for n in $(env | sed -n "s/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p"); do [ "$n" = PATH ] || unset "$n" 2>/dev/null; done; fi',
  'if [ "$2" = 1 ]; then while IFS= read -r line && [ -n "$line" ]; do v=$(printf %s "${line#*=}" | base64 -d; echo x); export "${line%%=*}=${v%x}"; done; fi',
  'if [ -n "$3" ]; then cd "$3" || exit 125; fi',
  't=$4; shift 4',
  `if [ -n "$t" ]; then exec timeout --verbose -k ${KILL_AFTER_MS / 1000} "$t" "$@"; fi`,
  'exec "$@"',
].join('\n');

export interface RemoteRunSpec {
  argv: readonly string[];
  cwd?: string;
  /** Sent on stdin (see PRELUDE), never on the command line. */
  env?: Readonly<Record<string, string>>;
  inheritEnv?: boolean;
  timeoutMs?: number;
}

/** Whether a result of remoteCommand is timeout(1) stopping the command at its bound. */
export function timedOut(result: { exitCode: number | null; stderr: string }): boolean {
  return (result.exitCode === 124 || result.exitCode === 137) && /^timeout: /m.test(result.stderr);
}

/** The string ssh sends to the remote login shell: the prelude, then each argument quoted. */
export function remoteCommand(spec: RemoteRunSpec): string {
  const hasEnv = spec.env !== undefined && Object.keys(spec.env).length > 0;
  // timeout(1) takes fractions of a second.
  const timeout = spec.timeoutMs === undefined ? '' : String(spec.timeoutMs / 1000);
  const args = [spec.inheritEnv === false ? 'clean' : 'keep', hasEnv ? '1' : '0', spec.cwd ?? '', timeout, ...spec.argv];
  return ['sh', '-c', PRELUDE, 'sh', ...args].map(shellQuote).join(' ');
}

/** The stdin that goes with remoteCommand: the variables' block (when any), then the command's input. */
export function remoteStdin(spec: RemoteRunSpec, input: string | undefined): string | undefined {
  const entries = Object.entries(spec.env ?? {});
  if (entries.length === 0) return input;
  const block = entries.map(([name, value]) => `${name}=${Buffer.from(value).toString('base64')}\n`).join('');
  return `${block}\n${input ?? ''}`;
}
