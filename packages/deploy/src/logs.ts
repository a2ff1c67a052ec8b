import type { Config } from '@switchyard/config';
import { COMMAND_TIMEOUT_MS, type Host } from '@switchyard/host';
import { type Color, COLORS, type ServerLayout } from '@switchyard/templates';
import { type ConnectOptions, withEachHost } from './runtime';

/** Where a line of `logs` comes from: a colour's process, the worker, or nginx's error log. */
export type LogSource = Color | 'worker' | 'nginx';

export interface LogsOptions extends ConnectOptions {
  /** That colour's log alone, instead of both colours' and the worker's. */
  color?: Color;
  /** nginx's error log as well. */
  nginx?: boolean;
  /** How many of each file's last lines to show first. */
  lines: number;
  /** Keep showing lines as they are written, until `signal` aborts. */
  follow?: boolean;
  /** Only files modified this recently (lines carry no timestamps; files do). `text` is what the user wrote. */
  since?: { seconds: number; text: string };
  signal?: AbortSignal;
}

/** One line of a log, or a word about a source that has no lines to show. */
export type LogEntry = { host: string; source: LogSource; line: string } | { host: string; source: LogSource; note: string };

/** `[host] source | line`; no host for this machine, as the deploy output words it. */
export function formatLogEntry(entry: LogEntry): string {
  const prefix = entry.host === 'local' ? '' : `[${entry.host}] `;
  return `${prefix}${entry.source} | ${'line' in entry ? entry.line : entry.note}`;
}

interface LogFile {
  source: LogSource;
  path: string;
  /** Only shown when it exists (the worker's, when there is a worker): its absence says nothing. */
  optional: boolean;
}

// nginx.mode system: the host's nginx logs where Debian's package puts it, not under the deploy root.
const SYSTEM_NGINX_ERROR_LOG = '/var/log/nginx/error.log';

function logFiles(config: Config, layout: ServerLayout, options: LogsOptions): LogFile[] {
  const colors = options.color ? [options.color] : COLORS;
  return [
    ...colors.map((color) => ({ source: color, path: layout.colorLog(color), optional: false })),
    ...(options.color ? [] : [{ source: 'worker' as const, path: layout.workerLog, optional: true }]),
    ...(options.nginx ? [{ source: 'nginx' as const, path: config.nginx.mode === 'system' ? SYSTEM_NGINX_ERROR_LOG : layout.nginxErrorLog, optional: false }] : []),
  ];
}

/** What the server says of a log file; a file that does not exist has none. */
type FileState = 'empty' | 'recent' | 'old';

/**
 * Which files exist on the server, whether each is empty, and whether it was modified within
 * `seconds` (all are, without it): one `find`, on the server's own clock. A missing file is no
 * error, so find's exit status is not either.
 */
async function fileStates(host: Host, paths: string[], seconds: number | undefined): Promise<Map<string, FileState>> {
  const window = seconds === undefined ? ['-true'] : ['-mmin', `-${seconds / 60}`];
  const say = (state: FileState) => ['-printf', `${state} %p\\n`];
  const found = await host.run(['find', ...paths, '-maxdepth', '0', '(', '-empty', ...say('empty'), '-o', ...window, ...say('recent'), '-o', ...say('old'), ')'], {
    nothrow: true,
    timeoutMs: COMMAND_TIMEOUT_MS.quick,
  });
  const states = new Map<string, FileState>();
  for (const line of found.stdout.split('\n').filter(Boolean)) {
    const space = line.indexOf(' ');
    states.set(line.slice(space + 1), line.slice(0, space) as FileState);
  }
  return states;
}

/** What to say of a file with no lines to show, instead of them. */
function noteFor(state: FileState | undefined, since: LogsOptions['since']): string | undefined {
  switch (state) {
    case undefined:
      return '(no log yet)';
    case 'empty':
      return '(empty)';
    case 'old':
      return `(not modified in the last ${since?.text})`;
    case 'recent':
      return undefined;
  }
}

/**
 * Turns tail's output for several files back into (source, line). tail names each file in a
 * `==> path <==` header, after an empty line of its own unless it comes first; so an empty line is
 * held until the next one shows it was not that. Only a header naming a file asked for counts: a
 * log line that merely looks like one is shown as the line it is.
 */
function tailReader(files: LogFile[], emit: (source: LogSource, line: string) => void): (line: string) => void {
  const headers = new Map(files.map((file) => [`==> ${file.path} <==`, file.source]));
  let current: LogSource | undefined;
  let heldEmpty = false;
  return (line) => {
    const header = headers.get(line);
    if (header) {
      current = header;
      heldEmpty = false;
      return;
    }
    // tail -v starts with a header: nothing comes before one.
    if (current === undefined) return;
    if (heldEmpty) emit(current, '');
    heldEmpty = line === '';
    if (!heldEmpty) emit(current, line);
  };
}

/**
 * Shows the app's logs on every server: the last lines of each file, source after source (lines
 * carry no timestamps to merge them by), then with `follow` each new line as it is written.
 */
export function showLogs(config: Config, options: LogsOptions, out: (entry: LogEntry) => void): Promise<void> {
  return withEachHost(config, options, async (host, layout, server) => {
    const candidates = logFiles(server.config, layout, options);
    const states = await fileStates(host, candidates.map((file) => file.path), options.since?.seconds);
    const shown: LogFile[] = [];
    for (const file of candidates) {
      const state = states.get(file.path);
      if (state === undefined && file.optional) continue;
      const note = noteFor(state, options.since);
      if (note) out({ host: host.name, source: file.source, note });
      // tail -F waits for a file to appear or grow: a colour started later is followed from its first line.
      if (state === 'recent' || (options.follow && state !== 'old')) shown.push(file);
    }
    if (shown.length === 0) return;
    const tail = ['tail', '-v', '-n', String(options.lines), ...(options.follow ? ['-F'] : []), '--', ...shown.map((file) => file.path)];
    const read = tailReader(shown, (source, line) => out({ host: host.name, source, line }));
    await host.stream(tail, read, { signal: options.signal });
  });
}
