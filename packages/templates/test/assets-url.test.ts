import { describe, expect, it } from 'vitest';
import { assetBaseUrl } from '../src/assets-url';

const s3 = { type: 's3', from: 'public', bucket: 'shop-assets', prefix: 'static', region: 'eu-west-1' } as const;

describe('assetBaseUrl', () => {
  it("is nginx's /assets/ for a folder, and the bucket's own URL for S3 unless a CDN's is configured", () => {
    expect(assetBaseUrl({ type: 'local', from: 'public', directory: '/srv/assets', precompress: [] })).toBe('/assets/');
    expect(assetBaseUrl(s3)).toBe('https://shop-assets.s3.eu-west-1.amazonaws.com/static/');
    expect(assetBaseUrl({ ...s3, prefix: '' })).toBe('https://shop-assets.s3.eu-west-1.amazonaws.com/');
    expect(assetBaseUrl({ ...s3, baseUrl: 'https://cdn.example.com/static' })).toBe('https://cdn.example.com/static/');
  });

  it('puts a dotted bucket, which the wildcard certificate does not cover as a host name, and an S3-compatible endpoint in the path', () => {
    expect(assetBaseUrl({ ...s3, bucket: 'assets.example.com' })).toBe('https://s3.eu-west-1.amazonaws.com/assets.example.com/static/');
    expect(assetBaseUrl({ ...s3, endpoint: 'http://127.0.0.1:9000' })).toBe('http://127.0.0.1:9000/shop-assets/static/');
  });
});
