import { z } from 'zod';
import type { Queryable } from './database';

const lockWaitSchema = z.object({
  mode: z.string(),
  locktype: z.string(),
  relation: z.string().nullable(),
  holders: z.array(
    z.object({
      pid: z.number(),
      application: z.string().nullable(),
      state: z.string().nullable(),
      since: z.string().nullable(),
      query: z.string().nullable(),
      modes: z.string().nullable(),
    }),
  ),
});
/** A lock a backend was seen waiting for, and the sessions that held it up. */
export type LockWait = z.infer<typeof lockWaitSchema>;

const WAITING = `
SELECT l.mode, l.locktype, l.relation::regclass::text AS relation,
       (SELECT coalesce(json_agg(json_build_object(
                 'pid', a.pid, 'application', a.application_name, 'state', a.state, 'since', a.xact_start,
                 'query', left(a.query, 200),
                 'modes', (SELECT string_agg(h.mode, ', ') FROM pg_locks h
                            WHERE h.pid = a.pid AND h.granted AND h.locktype = l.locktype
                              AND h.relation IS NOT DISTINCT FROM l.relation))), '[]')
          FROM pg_stat_activity a WHERE a.pid = ANY (pg_blocking_pids(l.pid))) AS holders
  FROM pg_locks l
 WHERE l.pid = $1 AND NOT l.granted`;

/**
 * Looks, from another connection, at what backend `pid` is waiting for, every `intervalMs` while a
 * statement runs. By the time the database reports a lock timeout the wait is over and the lock
 * it was for is no longer visible: only a look during the wait can name it and its holder. With
 * the interval a third of lock_timeout, any wait long enough to time out is seen at least twice.
 */
export function watchLockWaits(db: Queryable, pid: number, intervalMs: number): { stop(): Promise<LockWait | undefined> } {
  let seen: LockWait | undefined;
  let stopped = false;
  let polling: Promise<void> = Promise.resolve();
  const poll = async () => {
    try {
      const [row] = (await db.query(WAITING, [pid])).rows;
      const parsed = row ? lockWaitSchema.safeParse(row) : undefined;
      if (parsed?.success) seen = parsed.data;
    } catch {
      // Only a diagnosis: a failed look leaves the failure message less precise, never the run wrong.
    }
  };
  const tick = () => {
    if (stopped) return;
    polling = poll().then(() => void (timer = setTimeout(tick, intervalMs)));
  };
  let timer = setTimeout(tick, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await polling;
      clearTimeout(timer);
      return seen;
    },
  };
}
