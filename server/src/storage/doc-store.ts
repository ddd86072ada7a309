/**
 * Persistence of documents: an append-only log of accepted updates per document, with
 * compaction into one snapshot row, and the clientID → user bindings. The sync hub only
 * knows this interface (DESIGN §13: PostgreSQL would be a second implementation).
 */
import type { Db } from './db.ts';

export interface StoredDoc {
  updates: Uint8Array[];
  bindings: Map<number, string>;
}

export interface DocStore {
  /** Runs `fn` in one transaction (group commit: many appends, one fsync). */
  transaction<T>(fn: () => T): T;
  load(doc: string): StoredDoc;
  append(doc: string, update: Uint8Array): void;
  bind(doc: string, clientId: number, userId: string): void;
  /** Number of log rows of a document (compaction trigger). */
  rowCount(doc: string): number;
  /** Replaces every row of `doc` with one snapshot, atomically. */
  compact(doc: string, snapshot: Uint8Array): void;
}

export class SqliteDocStore implements DocStore {
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      load: db.prepare<[string], { data: Buffer }>('SELECT data FROM doc_updates WHERE doc = ? ORDER BY id'),
      bindings: db.prepare<[string], { client_id: number; user_id: string }>('SELECT client_id, user_id FROM doc_clients WHERE doc = ?'),
      append: db.prepare<[string, Uint8Array]>("INSERT INTO doc_updates (doc, kind, data) VALUES (?, 'u', ?)"),
      bind: db.prepare<[string, number, string]>('INSERT OR IGNORE INTO doc_clients (doc, client_id, user_id) VALUES (?, ?, ?)'),
      count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM doc_updates WHERE doc = ?'),
      clear: db.prepare<[string]>('DELETE FROM doc_updates WHERE doc = ?'),
      snapshot: db.prepare<[string, Uint8Array]>("INSERT INTO doc_updates (doc, kind, data) VALUES (?, 's', ?)"),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  load(doc: string): StoredDoc {
    const updates = this.q.load.all(doc).map((r) => new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength));
    const bindings = new Map(this.q.bindings.all(doc).map((r) => [r.client_id, r.user_id] as const));
    return { updates, bindings };
  }

  append(doc: string, update: Uint8Array): void {
    this.q.append.run(doc, update);
  }

  bind(doc: string, clientId: number, userId: string): void {
    this.q.bind.run(doc, clientId, userId);
  }

  rowCount(doc: string): number {
    return this.q.count.get(doc)!.n;
  }

  compact(doc: string, snapshot: Uint8Array): void {
    this.db.transaction(() => {
      this.q.clear.run(doc);
      this.q.snapshot.run(doc, snapshot);
    })();
  }
}
