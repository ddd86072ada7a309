/**
 * Opens the SQLite database in `DATA_DIR` (WAL mode) and applies pending migrations in one
 * transaction each, tracked by `PRAGMA user_version`.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrations } from './migrations/index.ts';

export type Db = Database.Database;

export function openDb(dataDir: string, file = 'parley.sqlite'): Db {
  const db = new Database(join(dataDir, file));
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the
  // last commits); acks promise survival of a server crash, which this gives.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** Now as an ISO string, the one timestamp format stored. */
export const nowIso = (): string => new Date().toISOString();
