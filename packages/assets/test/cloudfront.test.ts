import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { describe, expect, it } from 'vitest';
import { AssetStorageError, desiredObjects, planInvalidation, planPublish } from '../src/index';
import { invalidateCloudFront } from '../src/s3';

// CloudFront has no local stand-in: these tests stop each request in the SDK's middleware stack,
// after it is built (serialized, before signing and sending), and look at what would be sent.
function capturingClient(answer: (request: { method: string; path: string; body: string }) => unknown): CloudFrontClient {
  const client = new CloudFrontClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret' } });
  client.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { method: string; path: string; body: string };
      return { output: answer({ method: request.method, path: request.path, body: String(request.body) }), response: {} } as never;
    },
    { step: 'build', priority: 'low' },
  );
  return client;
}

const file = (path: string, sha: string) => ({ path, size: 1, sha256: sha.repeat(64), md5: sha.repeat(32) });

describe('planInvalidation', () => {
  it('names only the objects rewritten under the same name, as URL paths under the base URL', () => {
    const { objects } = desiredObjects([file('css/app.css', 'a'), file('main-DiwrgTda.js', 'b'), file('about us.html', 'c')], { baseUrl: 'https://cdn.example/static/', release: 'r1' });
    expect(planInvalidation(planPublish(objects, []).uploads, 'https://cdn.example/static/')).toEqual(['/static/css/app.css', '/static/about%20us.html']);
  });

  it('past 300 paths, one wildcard under the base path', () => {
    const files = Array.from({ length: 301 }, (_, index) => file(`page${index}.html`, 'd'));
    const { objects } = desiredObjects(files, { baseUrl: '/assets', release: 'r1' });
    expect(planInvalidation(objects, '/assets')).toEqual(['/assets/*']);
  });
});

describe('invalidateCloudFront', () => {
  it('sends one CreateInvalidation with the deploy id as CallerReference', async () => {
    const sent: { method: string; path: string; body: string }[] = [];
    const client = capturingClient((request) => {
      sent.push(request);
      return { Invalidation: { Id: 'I2J3K4' }, $metadata: {} };
    });
    const id = await invalidateCloudFront({ client, distributionId: 'E1ABCDEF', paths: ['/static/css/app.css', '/static/index.html'], callerReference: 'deploy-20260101T000000Z-abc1234' });
    expect(id).toBe('I2J3K4');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/2020-05-31/distribution/E1ABCDEF/invalidation' });
    expect(sent[0]!.body).toContain('<CallerReference>deploy-20260101T000000Z-abc1234</CallerReference>');
    expect(sent[0]!.body).toContain('<Quantity>2</Quantity>');
    expect(sent[0]!.body).toContain('<Path>/static/css/app.css</Path><Path>/static/index.html</Path>');
  });

  it('no paths: no request', async () => {
    const client = capturingClient(() => expect.unreachable('no request expected'));
    expect(await invalidateCloudFront({ client, distributionId: 'E1ABCDEF', paths: [], callerReference: 'd' })).toBeUndefined();
  });

  it('a refused request names the distribution and the operation', async () => {
    const client = capturingClient(() => {
      throw Object.assign(new Error('User is not authorized to perform: cloudfront:CreateInvalidation'), { name: 'AccessDenied' });
    });
    const error = await invalidateCloudFront({ client, distributionId: 'E1ABCDEF', paths: ['/a'], callerReference: 'd' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AssetStorageError);
    expect((error as Error).message).toBe('CreateInvalidation on CloudFront distribution E1ABCDEF failed: AccessDenied: User is not authorized to perform: cloudfront:CreateInvalidation');
  });
});
