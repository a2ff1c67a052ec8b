import { UsageError } from '@switchyard/config';
import { formatLogEntry, showLogs } from '@switchyard/deploy';
import { type CommandLine, loadConfigOrThrow, parseCommandLine, print, runCommand } from './lib/cli';
import { wholeNumber } from './lib/whole-number';

const USAGE = `usage: pnpm logs [--env NAME] [--color blue|green] [--nginx] [--lines N] [--since 10m] [--follow] [--json] [--trust-new-host-key]
Shows the app's logs on its server: the last lines of both colours' logs and the worker's, source
after source, each line marked with its server (when remote) and its source: "[host] blue | …".
  --color blue|green  that colour's log alone
  --nginx             nginx's error log as well
  --lines N           how many of each log's last lines to show first (default 50)
  --since 30s|10m|2h|1d
                      only logs whose file was modified that recently: lines carry no timestamps,
                      so this picks files, and shows each one's last lines as usual
  --follow            then keep showing lines as they are written, until Ctrl-C
  --json              one {"host","source","line"} object per line ({"host","source","note"} for a
                      log with nothing to show)`;

const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86400 } as const;

function since(value: CommandLine[string]): { seconds: number; text: string } | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? /^([1-9]\d{0,5})([smhd])$/.exec(value) : null;
  if (!match) throw new UsageError('--since: expected a duration such as 30s, 10m, 2h or 1d');
  return { seconds: Number(match[1]) * SECONDS_PER_UNIT[match[2] as keyof typeof SECONDS_PER_UNIT], text: value as string };
}

function onlyColor(value: CommandLine[string]): 'blue' | 'green' | undefined {
  if (value === undefined || value === 'blue' || value === 'green') return value;
  throw new UsageError('--color: expected "blue" or "green"');
}

await runCommand(async () => {
  const args = parseCommandLine(USAGE, {
    color: { type: 'string' },
    nginx: { type: 'boolean', default: false },
    lines: { type: 'string' },
    since: { type: 'string' },
    follow: { type: 'boolean', default: false },
    'trust-new-host-key': { type: 'boolean', default: false },
  });
  const options = { color: onlyColor(args.color), nginx: args.nginx === true, lines: wholeNumber('lines', args.lines, { min: 0, max: 999_999, of: 'lines' }) ?? 50, since: since(args.since), follow: args.follow === true };
  const config = await loadConfigOrThrow(args.env, args['config-dir']);

  // Ctrl-C or SIGTERM ends a --follow cleanly: the tail on the server stops, the connection closes,
  // exit 0. Once: a second Ctrl-C kills at once, should the clean way hang.
  const stop = new AbortController();
  if (options.follow) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

  await showLogs(config, { ...options, signal: stop.signal, trustNewHostKey: args['trust-new-host-key'] === true }, (entry) =>
    print(args.json ? JSON.stringify(entry) : formatLogEntry(entry)),
  );
});
