import { COMMAND_TIMEOUT_MS } from '../command-timeouts';
import { HostFileError } from '../errors';
import type { PathStat } from '../access';
import type { Host, RunOptions, RunResult } from '../host';

type Run = (argv: readonly string[], options: RunOptions) => Promise<RunResult>;

/** The errno name for the reason coreutils printed, so callers can test codes as with node:fs. */
const CODES: [RegExp, string][] = [
  [/No such file or directory/, 'ENOENT'],
  [/Permission denied/, 'EACCES'],
  [/Operation not permitted/, 'EPERM'],
  [/No space left on device/, 'ENOSPC'],
  [/Disk quota exceeded/, 'EDQUOT'],
  [/No such process/, 'ESRCH'],
  [/Not a directory/, 'ENOTDIR'],
  [/Is a directory/, 'EISDIR'],
  [/Read-only file system/, 'EROFS'],
  [/File exists/, 'EEXIST'],
];

function fileFailure(operation: string, path: string, result: RunResult): HostFileError {
  const line = result.stderr.trim().split('\n').at(-1) ?? '';
  const code = CODES.find(([pattern]) => pattern.test(line))?.[1];
  // "cat: /x: Permission denied" → "permission denied", as the local host words it.
  const reason = (line.slice(line.lastIndexOf(': ') + 2) || `exit ${result.exitCode}`).toLowerCase();
  return new HostFileError(operation, path, code, reason);
}

/** Each operation here is a file or a directory entry (quick), unless `timeoutMs` says otherwise. */
async function must(run: Run, operation: string, path: string, argv: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const { input, timeoutMs = COMMAND_TIMEOUT_MS.quick } = options;
  const result = await run(argv, { nothrow: true, timeoutMs, ...(input === undefined ? {} : { input }) });
  if (!result.ok) throw fileFailure(operation, path, result);
  return result;
}

const mode8 = (mode: number) => mode.toString(8).padStart(4, '0');

function parseStats(stdout: string): PathStat[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [uid, gid, mode, ...name] = line.split(' ');
      return { path: name.join(' '), uid: Number(uid), gid: Number(gid), mode: parseInt(mode ?? '0', 8) };
    });
}

// A sibling temp name, so the rename stays in one directory (atomic); $$ keeps two writers apart.
const TEMP = 'tmp="$(dirname -- "$1")/.$(basename -- "$1").$$.tmp"; trap \'rm -f -- "$tmp"\' EXIT';
// Written 0600 until complete, then given its group ($3, when not empty) and mode: a secrets file is
// never readable by others, even half-written.
const WRITE_ATOMIC = `${TEMP}; (umask 077; cat > "$tmp") && { [ -z "$3" ] || chgrp -- "$3" "$tmp"; } && chmod "$2" "$tmp" && sync -- "$tmp" && mv -f -T -- "$tmp" "$1" && sync -- "$(dirname -- "$1")"`;
const APPEND = '[ -e "$1" ] || (umask 077; : >> "$1"; chmod "$2" "$1"); cat >> "$1"';
const LINK_ATOMIC = `${TEMP}; ln -s -- "$2" "$tmp" && mv -f -T -- "$tmp" "$1"`;
// Pairs of lines (link, target) on stdin, each renamed into place; parameter expansion, not
// dirname/basename, because each fork counts a hundred times over.
const POINT_LINKS = 'while IFS= read -r link && IFS= read -r target; do tmp="${link%/*}/.${link##*/}.$$.tmp"; ln -s -- "$target" "$tmp" && mv -f -T -- "$tmp" "$link" || { rm -f -- "$tmp"; exit 1; }; done';
// Every symlink directly in the directories given, as pairs of lines (path, target).
const LIST_LINKS = 'for d; do [ -d "$d" ] && find "$d" -mindepth 1 -maxdepth 1 -type l -printf "%p\\n%l\\n"; done; true';
// A file big enough to fail on a nearly full disk, where creating an empty file still succeeds.
const WRITE_CHECK = 'f="$1/.switchyard-probe.$$"; trap \'rm -f -- "$f"\' EXIT; head -c 65536 /dev/zero > "$f" && sync -- "$f"';

/** The Host's file operations as coreutils commands: one remote command each, nothing pasted. */
export function remoteFiles(run: Run): Omit<Host, 'name' | 'run' | 'lock' | 'httpGet' | 'upload' | 'download' | 'unpack' | 'stream' | 'tunnel' | 'close'> {
  const sh = (script: string, ...args: string[]) => ['sh', '-c', script, 'sh', ...args];
  return {
    async readFile(path) {
      const result = await run(sh('if [ -e "$1" ]; then exec cat -- "$1"; fi; exit 3', path), { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
      if (result.exitCode === 3) return undefined;
      if (!result.ok) throw fileFailure('read', path, result);
      return result.stdout;
    },
    async exists(path) {
      const result = await run(sh('[ -e "$1" ] || [ -L "$1" ]', path), { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
      if (result.exitCode === 0 || result.exitCode === 1) return result.exitCode === 0;
      throw fileFailure('inspect', path, result);
    },
    async mkdirp(path, mode = 0o755) {
      await must(run, 'create directory', path, ['mkdir', '-p', '-m', mode8(mode), '--', path]);
    },
    async writeFileAtomic(path, content, mode = 0o644, group) {
      await must(run, 'write', path, sh(WRITE_ATOMIC, path, mode8(mode), group === undefined ? '' : String(group)), { input: content });
    },
    async appendFile(path, content, mode = 0o644) {
      await must(run, 'append to', path, sh(APPEND, path, mode8(mode)), { input: content });
    },
    async symlinkAtomic(target, linkPath) {
      await must(run, 'link', linkPath, sh(LINK_ATOMIC, linkPath, target));
    },
    async pointLinks(links) {
      if (links.length === 0) return 0;
      for (const link of links)
        if (/\n/.test(link.path + link.target)) throw new HostFileError('link', link.path, undefined, 'a path with a newline');
      const dirs = [...new Set(links.map((link) => link.path.slice(0, link.path.lastIndexOf('/')) || '/'))];
      const listed = (await must(run, 'list', dirs[0]!, sh(LIST_LINKS, ...dirs))).stdout.split('\n');
      const current = new Map<string, string>();
      for (let i = 0; i + 1 < listed.length; i += 2) current.set(listed[i]!, listed[i + 1]!);
      const changed = links.filter((link) => current.get(link.path) !== link.target);
      if (changed.length === 0) return 0;
      await must(run, 'link', changed[0]!.path, sh(POINT_LINKS), { input: changed.map((link) => `${link.path}\n${link.target}\n`).join('') });
      return changed.length;
    },
    async readlink(path) {
      const result = await run(['readlink', '--', path], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
      // readlink(1) exits 1 for a missing path and for a path that is not a link alike.
      return result.ok ? result.stdout.replace(/\n$/, '') : undefined;
    },
    async stat(paths, { follow }) {
      if (paths.length === 0) return [];
      // Exits 1 when a path is missing, after printing the others.
      const listing = await run(['stat', ...(follow ? ['-L'] : []), '-c', '%u %g %a %n', '--', ...paths], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
      return parseStats(listing.stdout);
    },
    async remove(path) {
      // A whole release, node_modules and all.
      await must(run, 'remove', path, ['rm', '-rf', '--', path], { timeoutMs: COMMAND_TIMEOUT_MS.tree });
    },
    async listDir(path) {
      const result = await run(sh('[ -d "$1" ] || exit 3; find "$1" -mindepth 1 -maxdepth 1 -printf "%f\\0"', path), { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
      if (result.exitCode === 3) return [];
      if (!result.ok) throw fileFailure('list', path, result);
      return result.stdout.split('\0').filter(Boolean).sort();
    },
    async diskFree(path) {
      const result = await must(run, 'inspect the filesystem of', path, ['df', '-B1', '--output=avail', '--', path]);
      return Number(result.stdout.trim().split('\n').at(-1));
    },
    async checkWritable(dir) {
      await must(run, 'write in', dir, sh(WRITE_CHECK, dir));
    },
  };
}
