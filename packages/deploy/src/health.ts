import type { Config } from '@switchyard/config';
import type { Host, ProbeTarget } from '@switchyard/host';
import type { Color, ServerLayout } from '@switchyard/templates';

export function colorEndpoint(config: Config, layout: ServerLayout, color: Color): ProbeTarget {
  const listen = config.start.listen;
  return listen.type === 'socket' ? { socketPath: layout.socket(color) } : { address: listen.address, port: listen[color] };
}

interface Check {
  name: string;
  path: string;
  expectStatus: number;
  expectText?: string | undefined;
}

export function healthChecks(config: Config): Check[] {
  const { path, expectStatus, expectText, checks } = config.health;
  return [{ name: 'health', path, expectStatus, expectText }, ...checks];
}

/**
 * One round of every check, all at once (each is a GET the app answers on its own): the first
 * failure in the config's order, described, or undefined when all pass.
 */
export async function failingCheck(config: Config, host: Host, target: ProbeTarget): Promise<string | undefined> {
  const checks = healthChecks(config);
  const results = await Promise.all(checks.map((check) => host.httpGet(target, check.path, { timeoutMs: config.health.requestTimeoutMs })));
  for (const [i, check] of checks.entries()) {
    const result = results[i]!;
    if (!result.reached) return `${check.path}: no answer (${result.error})`;
    if (result.status !== check.expectStatus) return `${check.path} answered ${result.status}, expected ${check.expectStatus}`;
    if (check.expectText !== undefined && !result.body.includes(check.expectText))
      return `${check.path} answered without the expected text "${check.expectText}"`;
  }
  return undefined;
}

const WARMUP_CONCURRENCY = 4;

export interface WarmUp {
  requests: number;
  /** Requests that got no answer or an answer other than 2xx/3xx: said, never a failed gate (the gate decides). */
  failed: number;
  ms: number;
  paths: string[];
}

/**
 * GETs each warm-up path (health.warmup) on the colour's own socket or port, a few at a time: the
 * code behind them gets compiled and the app's caches and pools filled by these requests rather
 * than by the first visitors after the switch.
 */
export async function warmUp(config: Config, host: Host, target: ProbeTarget): Promise<WarmUp> {
  const { requests } = config.health.warmup;
  const paths = config.health.warmup.paths.length > 0 ? config.health.warmup.paths : [config.health.path];
  const queue = paths.flatMap((path) => Array.from({ length: requests }, () => path));
  const started = performance.now();
  let failed = 0;
  const worker = async () => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      const answer = await host.httpGet(target, path, { timeoutMs: config.health.requestTimeoutMs });
      if (!answer.reached || answer.status >= 400) failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(WARMUP_CONCURRENCY, queue.length) }, worker));
  return { requests: paths.length * requests, failed, ms: performance.now() - started, paths };
}
