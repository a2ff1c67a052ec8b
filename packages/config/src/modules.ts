/*
 * The fixed set of modules an app is made of. A config enables some of them per environment;
 * what an enabled module brings (nginx routes, extra units, variables for the app) is decided here
 * once, so renderers and planners never hard-code module names.
 */

export interface ModuleDefinition {
  readonly description: string;
  /** URL prefixes nginx routes to the live colour when the module is enabled. */
  readonly routes: readonly string[];
  /** Extra long-running units (beside the web colours), e.g. a background worker. */
  readonly units: readonly string[];
}

export const MODULE_CATALOG = {
  web: { description: 'Pages served to browsers', routes: ['/'], units: [] },
  api: { description: 'The JSON API under /api/', routes: ['/api/'], units: [] },
  admin: { description: 'The back office under /admin/', routes: ['/admin/'], units: [] },
  worker: { description: 'A background worker process, started from start.worker', routes: [], units: ['worker'] },
} as const satisfies Record<string, ModuleDefinition>;

export type ModuleName = keyof typeof MODULE_CATALOG;
export const MODULE_NAMES = Object.keys(MODULE_CATALOG) as [ModuleName, ...ModuleName[]];

export function moduleRoutes(enabled: readonly ModuleName[]): string[] {
  return enabled.flatMap((name) => MODULE_CATALOG[name].routes);
}

export function moduleUnits(enabled: readonly ModuleName[]): string[] {
  return enabled.flatMap((name) => MODULE_CATALOG[name].units);
}

/** What the app is told about its modules: MODULES=web,api and FEATURE_WEB=1 per module. */
export function moduleEnvironment(enabled: readonly ModuleName[]): Record<string, string> {
  const env: Record<string, string> = { MODULES: enabled.join(',') };
  for (const name of MODULE_NAMES) env[`FEATURE_${name.toUpperCase()}`] = enabled.includes(name) ? '1' : '0';
  return env;
}
