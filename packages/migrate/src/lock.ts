import type { Queryable } from './database';
import { MigrationLockedError } from './errors';
import { sqlState } from './failure';

// pg_advisory_lock(int4, int4): 'SYMG' in ASCII, then 1. Fixed, so every runner on the database contends for the same lock.
const KEY = [0x53594d47, 1];

/** Who holds the migration lock, as a person reads it; undefined when nobody (any more). */
async function lockHolder(session: Queryable): Promise<string | undefined> {
  const { rows } = await session.query<{ pid: number; application: string; user: string; client: string | null; since: Date }>(
    `SELECT a.pid, a.application_name AS application, a.usename AS user, host(a.client_addr) AS client, a.backend_start AS since
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2`,
    KEY,
  );
  const [holder] = rows;
  if (!holder) return undefined;
  const who = [holder.application || 'no application name', `user ${holder.user}`, holder.client ? `from ${holder.client}` : 'local'].join(', ');
  return `pid ${holder.pid} (${who}), connected since ${holder.since.toISOString()}`;
}

/**
 * Takes the session advisory lock that serialises migration runs, waiting at most `waitMs` for a
 * run that holds it. It lives with the session: a runner that dies or loses its connection lets
 * go at once, with no stale lock to clean up. A lock_timeout bounds the wait, so the server wakes
 * the waiter the moment the lock is free instead of a poll noticing later.
 */
export async function takeMigrationLock(session: Queryable, waitMs: number, onWait: (holder: string) => void): Promise<void> {
  const [tried] = (await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', KEY)).rows;
  if (tried?.locked) return;
  const holder = (await lockHolder(session)) ?? 'another run';
  onWait(holder);
  // lock_timeout 0 would mean no bound at all.
  await session.query("SELECT set_config('lock_timeout', $1, false)", [`${Math.max(1, waitMs)}ms`]);
  try {
    await session.query('SELECT pg_advisory_lock($1, $2)', KEY);
  } catch (error) {
    if (sqlState(error) !== '55P03') throw error;
    throw new MigrationLockedError(`another migration run holds the lock: ${(await lockHolder(session)) ?? holder}; waited ${waitMs} ms`);
  } finally {
    await session.query('RESET lock_timeout');
  }
}

export async function releaseMigrationLock(session: Queryable): Promise<void> {
  await session.query('SELECT pg_advisory_unlock($1, $2)', KEY);
}
