import { httpGet } from '@switchyard/host';

/** The stylesheet URL of the page at `/`, as the live colour (or, with the staging header, the idle one) renders it. */
export async function pageStylesheet(port: number, headers: Record<string, string> = {}): Promise<string> {
  const page = await httpGet({ address: '127.0.0.1', port }, '/', { timeoutMs: 5000, headers });
  const href = page.reached ? /<link rel="stylesheet" href="([^"]+)">/.exec(page.body)?.[1] : undefined;
  if (!href) throw new Error(`the page at / named no stylesheet (${page.reached ? `HTTP ${page.status}` : page.error})`);
  return href;
}

/** Status codes seen per URL. */
export type AssetAnswers = Map<string, Map<number, number>>;

/**
 * Asks for each URL in turn, again and again, until stopped: pages of the old release still open
 * in browsers and pages of the new one, loading their stylesheets while traffic moves.
 */
export function probeAssets(port: number, urls: readonly string[]): { stop(): Promise<AssetAnswers> } {
  const answers: AssetAnswers = new Map(urls.map((url) => [url, new Map()]));
  let running = true;
  const loop = (async () => {
    while (running)
      for (const url of urls) {
        const answer = await httpGet({ address: '127.0.0.1', port }, url, { timeoutMs: 2000 });
        const status = answer.reached ? answer.status : 0;
        const seen = answers.get(url)!;
        seen.set(status, (seen.get(status) ?? 0) + 1);
      }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return answers;
    },
  };
}

/** "200 ×1,234" or "200 ×1,200, 404 ×3". */
export const formatAnswers = (seen: Map<number, number>) =>
  [...seen].map(([status, n]) => `${status === 0 ? 'no answer' : status} ×${n.toLocaleString('en-US')}`).join(', ');
