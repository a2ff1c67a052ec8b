/** A colour's log is started anew past this size, the previous one kept as <log>.1: at most twice this on disk. */
export const LOG_MAX_BYTES = 50 * 1024 * 1024;

/*
 * Appends each line read to the log ($ARGV[0]), starting a new file past $ARGV[1] bytes; a line it
 * cannot write (a full disk) is dropped and counted, and said once writing works again. It ignores
 * SIGTERM, so that what the app prints after its own SIGTERM is still written, and ends when the
 * app's output ends. Perl because perl-base is part of every Debian system. No single quote inside.
 */
const WRITER = [
  '$SIG{TERM} = $SIG{INT} = $SIG{HUP} = "IGNORE";',
  'my ($path, $max) = @ARGV; my ($fh, $size, $lost) = (undef, 0, 0);',
  'sub reopen { close $fh if $fh; undef $fh; if (open my $new, ">>", $path) { $fh = $new; $fh->autoflush(1); $size = -s $path || 0 } }',
  'reopen();',
  'while (my $line = <STDIN>) {',
  '  if ($size + length($line) > $max) { rename $path, "$path.1"; reopen() }',
  '  reopen() unless $fh;',
  '  if ($lost && $fh && print $fh "[switchyard] $lost line(s) of output were lost: the log could not be written (disk full?)\\n") { $lost = 0 }',
  '  if ($fh && print $fh $line) { $size += length $line } else { $lost++; reopen() }',
  '}',
].join('\n');

/**
 * Shell lines that run "$@" (the app, by exec: the same pid) with its output through the writer
 * above, by a named pipe next to the log. Needs $log and $max set. The app's stdout is then a pipe
 * that is always drained: a failed write to a log file kills a Node app (it throws), a Python one
 * loses its output, and a log written for months fills any disk.
 */
export const LOG_PIPE_LINES = [
  // A log that cannot even be opened (a directory, a wrong owner) is a broken setup: the colour
  // fails to start, and its gate says so. Only a disk that fills later is survived.
  ': >>"$log" || exit 1',
  'pipe="$log.pipe"',
  'rm -f "$pipe" && mkfifo -m 600 "$pipe" || exit 1',
  // Its own stdout and stderr closed: whoever started the app (a command waiting for its output) is not kept waiting.
  `perl -e '${WRITER}' "$log" "$max" <"$pipe" >/dev/null 2>&1 &`,
  'exec "$@" >"$pipe" 2>&1',
];

/** bin/log-pipe: `log-pipe <log> <max bytes> <command…>`, as the systemd units start each colour. */
export const renderLogPipeScript = (): string => ['#!/bin/sh', '# Rendered by Switchyard: edits are lost at the next deploy.', 'log=$1 max=$2', 'shift 2', ...LOG_PIPE_LINES, ''].join('\n');
