import { type ListenTarget, openConnections, waitFor } from '@switchyard/host';
import type { Color } from '@switchyard/templates';
import type { StepContext } from './context';

const POLL_MS = 50;

/** Where nginx connects to reach a colour: its socket, and with ports its front's port too. */
function listeners(ctx: StepContext, color: Color): ListenTarget[] {
  const socket = { socketPath: ctx.layout.socket(color) };
  const listen = ctx.config.start.listen;
  return listen.type === 'port' ? [socket, { port: listen[color] }] : [socket];
}

/**
 * Waits until nginx holds no connection to `color` (after a switch no link leads there, so none
 * can be opened again): its pooled connections have aged out (keepalive_time) and its last
 * requests are answered. From then on it gets no request, so any app may be stopped, even one that
 * dies at once on SIGTERM. Two readings in a row, so a connection being accepted is not missed.
 * Returns how long it waited and how many connections were left (0 unless maxWaitMs ran out).
 */
export async function waitUntilUnused(ctx: StepContext, color: Color, maxWaitMs: number): Promise<{ ms: number; left: number }> {
  const started = performance.now();
  let emptyReadings = 0;
  let left = 0;
  const count = async () => {
    let total = 0;
    for (const target of listeners(ctx, color)) total += await openConnections(ctx.host, target);
    return total;
  };
  await waitFor(
    async () => {
      left = await count();
      emptyReadings = left === 0 ? emptyReadings + 1 : 0;
      return emptyReadings >= 2;
    },
    { timeoutMs: maxWaitMs, intervalMs: POLL_MS },
  );
  return { ms: performance.now() - started, left };
}
