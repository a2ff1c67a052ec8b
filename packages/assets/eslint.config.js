import root from '../../eslint.config.js';

/**
 * The planners are pure: what they may import is checked here, not hoped for. Reading folders and
 * talking to a store happen in the stores and publish.ts; node:crypto stays allowed (hashing the
 * manifest is deterministic).
 */
const PURE = ['src/fingerprint.ts', 'src/content-type.ts', 'src/manifest.ts', 'src/objects.ts', 'src/desired-objects.ts', 'src/plan-publish.ts', 'src/plan-prune.ts', 'src/plan-invalidation.ts'];

export default [
  ...root,
  {
    files: PURE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['node:fs', 'node:fs/promises', 'node:child_process', 'node:http', 'node:https', 'node:net'].map((name) => ({ name, message: 'planners are pure: I/O belongs in a store or in publish.ts' })),
          patterns: [
            { group: ['@aws-sdk/*'], message: 'planners are pure: S3 belongs in s3-store.ts' },
            { group: ['./folder-store', './s3-store', './s3-client', './read-folder', './publish', './prune', './read-manifests'], message: 'planners are pure: they take observed facts, they do not fetch them' },
          ],
        },
      ],
    },
  },
];
