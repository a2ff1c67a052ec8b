import type { PathStat } from './access';
import type { ProbeOptions, ProbeResult, ProbeTarget } from './http-probe';
import type { HeldLock, LockOptions, LockRequest } from './lock';

export interface RunOptions {
  cwd?: string;
  /** Added to the inherited environment (or the whole environment with inheritEnv: false). Secrets go here, never in argv. */
  env?: Readonly<Record<string, string>>;
  /** false: the command sees only `env` plus PATH, so the deployer's own variables do not reach an app. */
  inheritEnv?: boolean;
  input?: string;
  /**
   * Required: past it the command is stopped (TERM, then KILL) and CommandTimeoutError names it.
   * COMMAND_TIMEOUT_MS names the usual bounds.
   */
  timeoutMs: number;
  /** Return a failed result instead of throwing CommandError (a timeout still throws). */
  nothrow?: boolean;
}

export interface RunResult {
  ok: boolean;
  /** null when the command was killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** What a streamed command runs in, as for run (`env` never reaches an argv); `signal` ends it. */
export type StreamOptions = Pick<RunOptions, 'cwd' | 'env' | 'inheritEnv'> & { signal?: AbortSignal };

export interface UploadOptions {
  /** Names left out at any depth (rsync --exclude). */
  exclude?: readonly string[];
  /** A directory on the server holding an earlier copy: unchanged files are copied from it, not sent. */
  basis?: string;
}

/**
 * Everything Switchyard does to a server goes through this interface: this machine, or one reached
 * over SSH. Paths are paths on that server, except where a parameter says otherwise.
 */
export interface Host {
  /** "local", or the SSH destination: what each output line names. */
  readonly name: string;
  /** Runs argv[0] with the other elements as separate arguments; nothing is parsed by a shell. */
  run(argv: readonly string[], options: RunOptions): Promise<RunResult>;
  /** The file's text, or undefined when it does not exist. */
  readFile(path: string): Promise<string | undefined>;
  /** true for anything at the path, a dangling symlink included. */
  exists(path: string): Promise<boolean>;
  mkdirp(path: string, mode?: number): Promise<void>;
  /**
   * Temp file in the same directory, fsync, rename: readers see the old or the new file, never a
   * part, and never one without its mode and group (given: the temp file gets it before the rename).
   */
  writeFileAtomic(path: string, content: string, mode?: number, group?: number): Promise<void>;
  /** One write with O_APPEND: concurrent appenders do not interleave within a line. */
  appendFile(path: string, content: string, mode?: number): Promise<void>;
  /** Temp symlink renamed over linkPath: one atomic rename, so there is no moment without the link. */
  symlinkAtomic(target: string, linkPath: string): Promise<void>;
  /**
   * Makes each link name its target, renaming only those that differ (each one atomic, as
   * symlinkAtomic); returns how many changed. One call for many links: a canary's hundred buckets.
   */
  pointLinks(links: readonly { path: string; target: string }[]): Promise<number>;
  /** The link's target, or undefined when there is no symlink there. */
  readlink(path: string): Promise<string | undefined>;
  /**
   * Owner, group and permission bits of each path that exists (the others are left out), in the
   * order given; `follow`: of what a symlink names, as stat -L, else of the link itself.
   */
  stat(paths: readonly string[], options: { follow: boolean }): Promise<PathStat[]>;
  /** Removes a file, link or whole directory; nothing there is fine. */
  remove(path: string): Promise<void>;
  /** Entry names, sorted; [] when the directory does not exist. */
  listDir(path: string): Promise<string[]>;
  /** Bytes available to this user on the filesystem holding path. */
  diskFree(path: string): Promise<number>;
  /** Throws HostFileError unless a file can be created, written, synced and removed in dir. */
  checkWritable(dir: string): Promise<void>;
  /** Takes deploy.lock for as long as the returned lock is held (or this process lives). */
  lock(path: string, request: LockRequest, options?: LockOptions): Promise<HeldLock>;
  /** One GET to a socket or address as seen from the server; never throws. */
  httpGet(target: ProbeTarget, path: string, options: ProbeOptions): Promise<ProbeResult>;
  /**
   * A unix socket on this machine, named `name` in a directory of its own, that reaches
   * `address:port` as the server sees it (a database only the server can reach), through the SSH
   * connection; undefined on this machine, which reaches the address itself.
   */
  tunnel(address: string, port: number, name: string): Promise<string | undefined>;
  /** Copies the deploying machine's `localDir` into `dir` on the server (rsync; bounded by COMMAND_TIMEOUT_MS.tree). */
  upload(localDir: string, dir: string, options?: UploadOptions): Promise<void>;
  /**
   * Copies `dir` on the server into the deploying machine's `localDir` (rsync; bounded by
   * COMMAND_TIMEOUT_MS.tree): what the server built, such as a release's assets.
   */
  download(dir: string, localDir: string): Promise<void>;
  /** Runs `producer` on the deploying machine and unpacks the tar it writes into `dir` on the server (bounded by COMMAND_TIMEOUT_MS.tree). */
  unpack(producer: readonly string[], dir: string): Promise<void>;
  /**
   * Runs argv as run does, handing each line of its stdout to onLine as it arrives (the result's
   * stdout stays empty): for output that may never end, such as `tail -F`. Aborting `signal` ends
   * the command (on the server too). A command ended that way, or by Ctrl-C, resolves with its
   * result; any other failure throws CommandError.
   */
  stream(argv: readonly string[], onLine: (line: string) => void, options?: StreamOptions): Promise<RunResult>;
  /** Ends what the host holds open (an SSH master connection); idempotent. */
  close(): void;
}
