import { z } from 'zod';

/** expand: safe while the old colour still runs, so it runs before the new one starts; contract: only once the old one has stopped. */
export const phaseSchema = z.enum(['expand', 'contract']);
export type Phase = z.infer<typeof phaseSchema>;

/**
 * A row of switchyard_migrations as the database returns it: checked, since pg and PGlite parse
 * column types each their own way and a table edited by hand must not be trusted blindly.
 */
export const appliedMigrationSchema = z.object({
  name: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  phase: phaseSchema,
  applied_at: z.date(),
  /** null for a baseline: recorded as applied, never run by Switchyard. */
  duration_ms: z.number().int().nullable(),
  deploy_id: z.string().nullable(),
});
export type AppliedMigration = z.infer<typeof appliedMigrationSchema>;
