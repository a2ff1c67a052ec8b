import { sleep } from './sleep';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
}

/**
 * Polls `check` until it returns true or the time is up; true when it did. Every deadline loop
 * goes through here, so each is bounded the same way.
 */
export async function waitFor(check: () => Promise<boolean>, { timeoutMs, intervalMs }: WaitOptions): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}
