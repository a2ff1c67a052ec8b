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

/** One round of every check; the first failure, described, or undefined when all pass. */
export async function failingCheck(config: Config, host: Host, target: ProbeTarget): Promise<string | undefined> {
  for (const check of healthChecks(config)) {
    const result = await host.httpGet(target, check.path, { timeoutMs: config.health.requestTimeoutMs });
    if (!result.reached) return `${check.path}: no answer (${result.error})`;
    if (result.status !== check.expectStatus) return `${check.path} answered ${result.status}, expected ${check.expectStatus}`;
    if (check.expectText !== undefined && !result.body.includes(check.expectText))
      return `${check.path} answered without the expected text "${check.expectText}"`;
  }
  return undefined;
}
