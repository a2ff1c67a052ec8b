import type { Config } from '@switchyard/config';
import type { ServerLayout } from './layout';

/** The port in the socket's name (.s.PGSQL.<port>): libpq, pg and psycopg look for this one by default. */
export const EMBEDDED_DATABASE_PORT = 5432;

/** Whether Switchyard serves the environment's database itself: PGlite under the deploy root. */
export const servesEmbeddedDatabase = (config: Pick<Config, 'migrations'>): boolean => config.migrations?.database === 'pglite';

/** The embedded database's unix socket, in the directory a libpq-style URL names with `host=`. */
export const embeddedDatabaseSocket = (layout: ServerLayout): string => `${layout.pgliteSocketDir}/.s.PGSQL.${EMBEDDED_DATABASE_PORT}`;

/**
 * The URL the app and the migrations reach the embedded database at: a unix socket (no port to
 * choose or collide with, no password: only the deploy user can enter run/pglite/), in the form
 * libpq, node-postgres and psycopg all read (`host=` a directory, percent-encoded but for its
 * slashes, which a query may hold as they are). PGlite has one database, `postgres`.
 */
export const embeddedDatabaseUrl = (layout: ServerLayout): string =>
  `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(layout.pgliteSocketDir).replaceAll('%2F', '/')}`;
