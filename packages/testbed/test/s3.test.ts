import { describe, expect, it } from 'vitest';
import { startTestS3 } from '../src/index';

describe('a test S3 server', () => {
  it('answers S3 requests on its own port, two at once, and refuses connections once stopped', async () => {
    const [one, two] = await Promise.all([startTestS3(), startTestS3('other')]);
    try {
      for (const s3 of [one, two]) {
        expect(s3.port).toBeGreaterThanOrEqual(19400);
        expect(s3.port).toBeLessThan(19500);
      }
      expect(one.port).not.toBe(two.port);
      // Unsigned requests are taken as anonymous: the bucket lists, an unknown one is S3's own error.
      const listed = await fetch(`${two.endpoint}/other`);
      expect(listed.status).toBe(200);
      expect(await listed.text()).toContain('<Name>other</Name>');
      const missing = await fetch(`${one.endpoint}/other`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toContain('<Code>NoSuchBucket</Code>');
    } finally {
      await one.stop();
      await two.stop();
      await two.stop();
    }
    await expect(fetch(`${one.endpoint}/assets`)).rejects.toThrow();
  });
});
