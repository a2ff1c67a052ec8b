import { join } from 'node:path';
import { ProcessError } from './errors';
import type { Host } from './host';
import { sleep } from './sleep';
import { COMMAND_TIMEOUT_MS } from './command-timeouts';

const SYSTEMD = '/lib/systemd/systemd';
const START_TIMEOUT_MS = 10_000;

/** Where `systemctl --user` finds its manager: the caller passes it to every systemctl --user. */
export interface UserManager {
  runtimeDir: string;
}

async function managerState(host: Host, runtimeDir: string): Promise<string> {
  const result = await host.run(['systemctl', '--user', 'is-system-running'], { env: { XDG_RUNTIME_DIR: runtimeDir }, nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
  return result.stdout.trim();
}

// "" means nobody answers (systemctl only printed "Failed to connect to bus"); "initializing" and
// "starting" answer but are not ready to take jobs reliably yet.
const READY = new Set(['running', 'degraded', 'maintenance', 'stopping']);
const NOBODY_ANSWERS = new Set(['', 'offline']);

/** The user manager that already answers for this user, or undefined: starts nothing, creates nothing. */
export async function findUserManager(host: Host): Promise<UserManager | undefined> {
  const uid = (await host.run(['id', '-u'], { timeoutMs: COMMAND_TIMEOUT_MS.quick })).stdout.trim();
  for (const runtimeDir of [`/run/user/${uid}`, `/tmp/xdg-runtime-${uid}`])
    if ((await host.exists(runtimeDir)) && READY.has(await managerState(host, runtimeDir))) return { runtimeDir };
  return undefined;
}

/**
 * Makes `systemctl --user` usable where systemd is not PID 1 (containers, CI): starts a private
 * systemd user manager for this user once, in its own session, and returns its runtime directory.
 * Where a user manager already answers, only returns that.
 */
export async function ensureUserManager(host: Host): Promise<UserManager> {
  const uid = (await host.run(['id', '-u'], { timeoutMs: COMMAND_TIMEOUT_MS.quick })).stdout.trim();
  let runtimeDir = `/run/user/${uid}`;
  try {
    await host.mkdirp(runtimeDir, 0o700);
  } catch {
    runtimeDir = `/tmp/xdg-runtime-${uid}`;
    await host.mkdirp(runtimeDir, 0o700);
  }
  await host.run(['chmod', '700', runtimeDir], { timeoutMs: COMMAND_TIMEOUT_MS.quick });
  // Two commands arriving at once must not both start a manager.
  const lock = await host.lock(join(runtimeDir, 'switchyard-user-manager.lock'), { command: 'start systemd --user', deployId: '-' }, { waitMs: START_TIMEOUT_MS });
  try {
    // Nothing answers (no socket, or a stale one left by a manager that was killed; "offline" where
    // the system does not look booted with systemd, as on a fresh container): start one.
    if (NOBODY_ANSWERS.has(await managerState(host, runtimeDir))) {
      if (!(await host.exists(SYSTEMD))) throw new ProcessError(`no systemd user manager answers and ${SYSTEMD} is missing`);
      // systemd refuses a user instance unless the system looks booted with systemd.
      await host.run(['mkdir', '-p', '/run/systemd/system'], { nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
      const log = join(runtimeDir, 'systemd-user.log');
      await host.run(['setsid', '-f', 'sh', '-c', 'exec "$0" --user </dev/null >>"$1" 2>&1', SYSTEMD, log], {
        env: { XDG_RUNTIME_DIR: runtimeDir },
        timeoutMs: COMMAND_TIMEOUT_MS.quick,
      });
    }
    await waitUntilReady(host, runtimeDir);
  } finally {
    lock.release();
  }
  return { runtimeDir };
}

async function waitUntilReady(host: Host, runtimeDir: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!READY.has(await managerState(host, runtimeDir))) {
    if (Date.now() > deadline)
      throw new ProcessError(`the systemd user manager did not become ready within ${START_TIMEOUT_MS / 1000} s; see ${join(runtimeDir, 'systemd-user.log')}`);
    await sleep(50);
  }
}
