import { describe, expect, it } from 'vitest';
import type { AssetManifest } from '../src/manifest';
import { parseAge, planPrune } from '../src/plan-prune';

const DAY = 86_400_000;
const now = Date.UTC(2026, 5, 1);
const manifest = (release: string, assets: Record<string, string>): AssetManifest => ({ version: 1, release, baseUrl: 'https://cdn/', assets });
const old = (key: string) => ({ key, size: 1, modifiedMs: now - 40 * DAY });

describe('planPrune', () => {
  const kept = [manifest('r2', { 'css/app.css': 'https://cdn/css/app.222222222222.css', 'main-DiwrgTda.js': 'https://cdn/main-DiwrgTda.js' })];

  it('removes old objects no kept release references, and old releases\' manifests', () => {
    const objects = [
      old('css/app.111111111111.css'),
      old('css/app.222222222222.css'),
      old('css/app.css'),
      old('main-DiwrgTda.js'),
      old('.switchyard/manifests/r1.json'),
      old('.switchyard/manifests/r2.json'),
    ];
    expect(planPrune({ objects, kept, nowMs: now, olderThanMs: 30 * DAY })).toEqual({
      remove: ['.switchyard/manifests/r1.json', 'css/app.111111111111.css'],
      keptByRelease: 4,
      tooRecent: 0,
    });
  });

  it('keeps what was written within the window, or at an unknown time, even when nothing references it', () => {
    const objects = [{ key: 'new.abcdef123456.js', size: 1, modifiedMs: now - 29 * DAY }, { key: 'unknown.js', size: 1 }];
    expect(planPrune({ objects, kept: [], nowMs: now, olderThanMs: 30 * DAY })).toEqual({ remove: [], keptByRelease: 0, tooRecent: 2 });
  });

  it('a percent-encoded URL protects its key', () => {
    const objects = [old('img/logo one.123456abcdef.png')];
    const referencing = [manifest('r3', { 'img/logo one.png': 'https://cdn/img/logo%20one.123456abcdef.png' })];
    expect(planPrune({ objects, kept: referencing, nowMs: now, olderThanMs: DAY }).remove).toEqual([]);
  });
});

describe('parseAge', () => {
  it.each([
    ['30d', 30 * DAY],
    ['12h', 12 * 3_600_000],
    ['2w', 14 * DAY],
    ['90m', 90 * 60_000],
  ])('%s', (text, ms) => expect(parseAge(text)).toBe(ms));

  it.each(['30', 'd', '0d', '-1d', '1.5d', '30 days'])('refuses %s', (text) => expect(() => parseAge(text)).toThrow(/--older-than .*expected a positive whole number/));
});
