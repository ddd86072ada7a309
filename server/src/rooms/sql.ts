/**
 * Prepared statements cached per database: the sync hub asks membership questions for
 * every incoming frame, and preparing the same SQL each time would dominate that cost.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../storage/db.ts';

const cache = new WeakMap<Db, Map<string, Statement>>();

/** The prepared statement for `sql` on `db`, prepared once. */
export function prepared(db: Db, sql: string): Statement {
  let byDb = cache.get(db);
  if (!byDb) cache.set(db, (byDb = new Map()));
  let stmt = byDb.get(sql);
  if (!stmt) byDb.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}
