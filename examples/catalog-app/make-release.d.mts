/** Types for make-release.mjs, for TypeScript callers such as scripts/demo.ts. */
export declare const appDir: string;
export declare const RELEASE_FILES: readonly string[];
export declare class UsageError extends Error {}
export declare function makeRelease(options: {
  version: string;
  destDir: string;
  broken?: boolean;
  force?: boolean;
}): Promise<string>;
