// The Postgres server the benches create their databases on, and one helper to
// run statements there (CREATE/DROP DATABASE cannot run inside a transaction or
// on a pooled connection of the database being dropped).
import pg from 'pg';

/** The maintenance database of the local server; `PITBOSS_TEST_PG` overrides it. */
export const ADMIN_URL = process.env.PITBOSS_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Runs `statements` in order on a connection of their own to `ADMIN_URL`.
 *
 * @example
 * await admin([`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`, `CREATE DATABASE ${db}`]);
 */
export async function admin(statements: readonly string[]): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}
