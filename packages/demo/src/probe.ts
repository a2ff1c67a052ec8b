import { httpGet } from '@switchyard/host';

/** Asks nginx N times with a fresh canary cookie each, and counts which colour answered. */
export async function sampleColors(port: number, samples: number, cookie: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < samples; i++) {
    const answer = await httpGet({ address: '127.0.0.1', port }, '/api/products', {
      timeoutMs: 2000,
      headers: { cookie: `${cookie}=sample-${i}-${Math.random()}` },
    });
    const color = answer.reached ? String(answer.headers['x-app-color'] ?? 'none') : 'failed';
    counts[color] = (counts[color] ?? 0) + 1;
  }
  return counts;
}
