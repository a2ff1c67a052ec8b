import type { RemoteObject } from './objects';

/** What an object is written with. */
export interface PutObject {
  readonly key: string;
  /** A file to stream from, bytes in memory, or an object of the same store to copy (the bytes do not travel). */
  readonly body: { readonly path: string } | { readonly bytes: Uint8Array } | { readonly copyOf: string };
  readonly size: number;
  readonly contentType: string;
  readonly cacheControl: string;
  /**
   * The sha256 of the body's bytes, kept in the object's metadata: how a later publish tells an
   * unhashed file changed. A store may also declare it to the server (S3's x-amz-content-sha256),
   * which then refuses a body that does not match it.
   */
  readonly sha256: string;
}

export interface ObjectHead {
  readonly size: number;
  readonly sha256?: string;
  readonly contentType?: string;
  readonly cacheControl?: string;
}

/** Where assets are published: an S3 bucket and prefix, or a local folder. Keys are relative to the prefix. */
export interface AssetStore {
  /** For messages: `s3://bucket/prefix/`, or the folder. */
  readonly location: string;
  /**
   * Originals (the unhashed names, same bytes as their fingerprinted copy) smaller than this are
   * put from their file, not copied inside the store: both are one request, but where a copy costs
   * the store more than receiving small bytes again (s3rver), sending them is faster, and they need
   * not wait for their copy to be written. Absent: every original is a copy (a folder on a server
   * reached over SSH, where bytes are what costs).
   */
  readonly copyMinSize?: number;
  /** Every object under the prefix (one listing, no per-object request). */
  list(): Promise<RemoteObject[]>;
  /** An object's size and metadata; undefined when there is none. */
  head(key: string): Promise<ObjectHead | undefined>;
  /** An object's bytes; undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Writes an object whole: a reader sees the old one or the new one, never a part. */
  put(object: PutObject): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
}
