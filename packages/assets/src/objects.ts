/** A file of the built assets folder, as read and hashed. */
export interface LocalFile {
  /** Relative to the folder, with `/` separators: the logical name. */
  readonly path: string;
  readonly size: number;
  /** Lower-case hex. */
  readonly sha256: string;
  /** Lower-case hex; compared with a single-part upload's ETag. */
  readonly md5: string;
}

/** An object as a store lists it: what one listing call returns, no per-object request. */
export interface RemoteObject {
  /** Relative to the store's prefix. */
  readonly key: string;
  readonly size: number;
  /** Without quotes. S3: a single-part upload's is the content's md5; a multipart one's has a `-N`. */
  readonly etag?: string;
  /** From the object's metadata, when it was looked up (a listing does not carry it). */
  readonly sha256?: string;
  /** When it was last written (ms since the epoch), as the listing says. */
  readonly modifiedMs?: number;
}

/**
 * What kind of write an object is: an asset (a fingerprinted copy), an unhashed original (copied in
 * the store from its fingerprinted copy, or sent from its file when small), HTML, the manifest.
 * publishAssets writes assets and originals together (a copy after its own source), then HTML, and
 * the manifest last, so no page and no manifest names what is not there yet.
 */
export type Phase = 'asset' | 'original' | 'html' | 'manifest';
export const PHASES: readonly Phase[] = ['asset', 'original', 'html', 'manifest'];

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_REVALIDATE = 'no-cache';

/** An object the release needs in the store. */
export interface DesiredObject {
  readonly key: string;
  /**
   * A file of the folder (its logical name); bytes made by the planner (the manifest); or another
   * key of the store with the same content (an original: its fingerprinted copy, written in an
   * earlier phase), copied inside the store instead of sent again.
   */
  readonly source: { readonly file: string } | { readonly bytes: Uint8Array } | { readonly copyOf: string };
  readonly size: number;
  readonly sha256: string;
  readonly md5: string;
  readonly contentType: string;
  readonly cacheControl: string;
  /** Content-addressed: the same key always holds the same bytes, so an existing one is never rewritten. */
  readonly immutable: boolean;
  readonly phase: Phase;
}
