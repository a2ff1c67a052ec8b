/**
 * Content-hashed names. A name that already carries a hash (from a bundler or Django's
 * ManifestStaticFilesStorage) is kept; any other file gets one. A false "hashed" is the costly
 * mistake (the object is cached for a year and never re-uploaded while its content changes), a
 * false "not hashed" only costs a second copy, so the patterns are strict:
 *
 * - `.` or `-` then 8–64 lower-case hex digits with at least one digit and one letter
 *   (`app.3f9a1c2e.css`, webpack's `[contenthash]`, Django's `app.3f9a1c2e0b1d.css`); a date or a
 *   version number (`app.20240101.css`) has no letter, a word (`deadbeef`) has no digit.
 * - `-` then exactly 8 base64url characters with an upper-case letter after the first one or a
 *   digit, and a lower-case letter: Rollup's and so Vite's `[name]-[hash]` (`main-DiwrgTda.js`);
 *   a word (`-homepage`, `-Homepage`) does not match. A CamelCase word of exactly 8 letters
 *   (`-MyWidget`) does: the publisher then refuses to overwrite it (AssetConflictError) rather than
 *   serve stale content.
 *
 * The hash sits before the extension; `.map`, `.gz` and `.br` after it are looked through.
 */
const TRAILING = /(\.(?:map|gz|br))+$/;
const HEX = /^.+[.-]([0-9a-f]{8,64})$/;
const ROLLUP = /^.+-([A-Za-z0-9_-]{8})$/;

/** Our own fingerprints: 12 hex digits of the sha256 (48 bits; Django uses as many). */
export const FINGERPRINT_LENGTH = 12;

function split(name: string): { stem: string; extension: string } {
  const trailing = TRAILING.exec(name)?.[0] ?? '';
  const base = name.slice(0, name.length - trailing.length);
  const dot = base.lastIndexOf('.');
  // A leading dot is a hidden file's name, not an extension.
  if (dot <= 0) return { stem: base, extension: trailing };
  return { stem: base.slice(0, dot), extension: base.slice(dot) + trailing };
}

function looksHashed(stem: string): boolean {
  const hex = HEX.exec(stem)?.[1];
  if (hex && /[0-9]/.test(hex) && /[a-f]/.test(hex)) return true;
  const rollup = ROLLUP.exec(stem)?.[1];
  if (!rollup || !/[a-z]/.test(rollup)) return false;
  return /[0-9]/.test(rollup) || /[A-Z]/.test(rollup.slice(1));
}

/** Whether a path's file name already carries a content hash (see above). */
export function isFingerprinted(path: string): boolean {
  return looksHashed(split(path.slice(path.lastIndexOf('/') + 1)).stem);
}

/** `css/app.css` with a sha256 → `css/app.3f9a1c2e0b1d.css`; `.map`, `.gz`, `.br` stay last. */
export function fingerprintPath(path: string, sha256: string): string {
  const slash = path.lastIndexOf('/') + 1;
  const { stem, extension } = split(path.slice(slash));
  return `${path.slice(0, slash)}${stem}.${sha256.slice(0, FINGERPRINT_LENGTH)}${extension}`;
}
