import { randomBytes } from 'node:crypto';

/** "20261122T003512Z-1a2b3c4": sorts by time, names the code; "-dirty" when it holds uncommitted changes. */
export function releaseIdFor(now: Date, sha: string, dirty = false): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${sha.slice(0, 7)}${dirty ? '-dirty' : ''}`;
}

/** Ties together every output event and the audit line of one command. */
export function newDeployId(): string {
  return randomBytes(6).toString('hex');
}
