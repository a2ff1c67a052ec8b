import { describe, expect, it } from 'vitest';
import { fingerprintPath, isFingerprinted } from '../src/fingerprint';

describe('isFingerprinted', () => {
  it.each([
    'app.3f9a1c2e.css', // webpack [contenthash:8]
    'css/app.3f9a1c2e0b1d.css', // Django ManifestStaticFilesStorage (12 hex of md5)
    'assets/main-DiwrgTda.js', // Vite / Rollup [name]-[hash], no digit
    'assets/index-B4x_kQ9-.css', // base64url with '_' and '-'
    'assets/vendor-a1b2c3d4.js.map',
    'app.3f9a1c2e.css.gz',
  ])('%s carries a hash', (path) => expect(isFingerprinted(path)).toBe(true));

  it.each([
    'app.css',
    'favicon.ico',
    'app.20240101.css', // a date: no letter
    'lib.deadbeef.js', // a word in hex letters: no digit
    'main-homepage.js',
    'main-Homepage.js',
    'jquery-3.7.1.min.js',
    '.3f9a1c2e',
    'robots.txt',
  ])('%s does not', (path) => expect(isFingerprinted(path)).toBe(false));

  it('our own fingerprints are recognised, so publishing a published folder keeps them', () => {
    const sha = 'ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12';
    expect(isFingerprinted(fingerprintPath('css/app.css', sha))).toBe(true);
  });
});

describe('fingerprintPath', () => {
  const sha = '3f9a1c2e0b1d77aa' + '0'.repeat(48);
  it.each([
    ['css/app.css', 'css/app.3f9a1c2e0b1d.css'],
    ['app.js.map', 'app.3f9a1c2e0b1d.js.map'],
    ['data.json.gz', 'data.3f9a1c2e0b1d.json.gz'],
    ['LICENSE', 'LICENSE.3f9a1c2e0b1d'],
    ['fonts/inter.var.woff2', 'fonts/inter.var.3f9a1c2e0b1d.woff2'],
  ])('%s → %s', (path, key) => expect(fingerprintPath(path, sha)).toBe(key));
});
