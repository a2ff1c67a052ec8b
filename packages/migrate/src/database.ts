/** What the runner needs of a database connection: one statement, with optional parameters ($1, $2, …). */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
}

export interface SessionOptions {
  /** The longest to wait for the session: a connection (PostgreSQL), or the instance held by another session (PGlite). */
  readonly waitMs?: number;
}

/**
 * A database the runner is handed (only the caller knows where it lives). A statement sent
 * without parameters goes as a simple query, so a migration's SQL reaches the server as written.
 */
export interface Database extends Queryable {
  /**
   * true when the database has a single connection (PGlite): nothing else can hold a lock, and a
   * query outside a session waits until the session ends.
   */
  readonly singleConnection: boolean;
  /**
   * Runs `work` on a connection of its own, which nothing else uses until `work` settles: session
   * state (an advisory lock, SET, a transaction) lives exactly as long as it.
   */
  session<T>(work: (session: Queryable) => Promise<T>, options?: SessionOptions): Promise<T>;
  close(): Promise<void>;
}
