/*
 * How long each kind of external command may run before it is stopped and named in an error
 * (CommandTimeoutError). Host.run requires a bound: a command that hangs (a stuck mount, a D-Bus
 * that does not answer, a link that died) must fail its step, not hold the deploy and its lock for
 * ever. Each bound is far above what the command takes on a healthy server.
 */
export const COMMAND_TIMEOUT_MS = {
  /** stat, id, chmod, chgrp, kill, tail, readlink, find, a small file read or written: a few system calls. */
  quick: 15_000,
  /** nginx -t, nginx -s reload, starting nginx: it reads its config and certificates (nginx -t takes ~5 ms). */
  nginx: 30_000,
  /** systemctl: longer than systemd's own start timeout (DefaultTimeoutStartSec, 90 s), so that its message comes first. */
  systemctl: 120_000,
  /** ssh -O forward: a request to the master connection on this machine. */
  sshControl: 15_000,
  /** A release's tree copied, unpacked or removed (rsync, git archive | tar, cp -a, rm -rf): grows with its size. */
  tree: 20 * 60_000,
  /** The app's own install and build commands, and server:init's package installs. */
  build: 10 * 60_000,
} as const;

/** After TERM at its bound, how long a command gets to clean up (rsync's temp files) before KILL. */
export const KILL_AFTER_MS = 2_000;
