import type { RemoteObject } from './objects';

/** What an object is written with. */
export interface PutObject {
  readonly key: string;
  /** A file to stream from, bytes in memory, or an object of the same store to copy (the bytes do not travel). */
  readonly body: { readonly path: string } | { readonly bytes: Uint8Array } | { readonly copyOf: string };
  readonly size: number;
  readonly contentType: string;
  readonly cacheControl: string;
  /** Kept in the object's metadata: how a later publish tells an unhashed file changed. */
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
