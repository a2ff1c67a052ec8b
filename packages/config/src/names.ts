// Names the zod-free modules need too; apart from values.ts and schema.ts, which load zod.

/** The name of an environment: the file config/<name>.json. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** The variable the app finds the embedded database's URL in. */
export const EMBEDDED_DATABASE_VARIABLE = 'DATABASE_URL';
