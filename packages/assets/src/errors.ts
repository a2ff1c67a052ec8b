import { SwitchyardError } from '@switchyard/config';

/**
 * A storage operation failed (a missing bucket, refused credentials, no permission, a full disk):
 * exit code 1. The message names the operation and the bucket or folder, and carries the storage's
 * own error code and text, never a credential (the SDK's error object, which holds the request, is
 * deliberately not kept as the cause).
 */
export class AssetStorageError extends SwitchyardError {
  constructor(
    readonly operation: string,
    readonly location: string,
    detail: string,
  ) {
    super(`${operation} on ${location} failed: ${detail}`, 1);
  }
}

/** Files whose names claim a content hash, but whose published object under that name differs: exit code 1, nothing uploaded. */
export class AssetConflictError extends SwitchyardError {
  constructor(readonly keys: readonly string[]) {
    super(
      [
        `${keys.length} file(s) are already published under the same name with different content; their names look content-hashed but are not, and overwriting them would serve browsers that cached the old one (for a year) the wrong file. Rename them or let the publisher fingerprint them:`,
        ...keys.map((key) => `  ${key}`),
      ].join('\n'),
      1,
    );
  }
}

/** Bad input to the publisher (a release id or key that cannot be a storage key): exit code 2. */
export class AssetInputError extends SwitchyardError {
  constructor(message: string) {
    super(message, 2);
  }
}
