import { contentType } from 'mime-types';

/** The Content-Type for a file name, with `charset=utf-8` for text (mime-types adds it); unknown → octet-stream. */
export function contentTypeOf(path: string): string {
  return contentType(path.slice(path.lastIndexOf('/') + 1)) || 'application/octet-stream';
}
