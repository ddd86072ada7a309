/**
 * The `messages` table: a projection of every room document's `messages` and `order`
 * maps, written in the same transaction as the update log. It serves REST history, room
 * previews, unread counts, the AI's context and search — nothing there loads a Y.Doc.
 */
import type { Db } from './db.ts';
import type { MessagePreview } from '#shared/api/rooms';
import type { ApiMessage } from '#shared/api/messages';

export type ReceiptKind = 'delivered' | 'read';

/** A message as REST returns it (the API type, written once in shared/). */
export type StoredMessage = ApiMessage;

/** The fields of a document entry the projection stores. */
export interface EntryFields {
  id: string;
  authorId: string;
  deviceId?: string;
  kind: string;
  text?: string;
  attachment?: unknown;
  replyTo?: string;
  createdAt: string | number;
  editedAt?: string | number;
  deleted?: boolean;
  deletedBy?: string;
}

interface Row {
  room_id: string;
  epoch: number;
  key: string;
  id: string;
  author_id: string;
  device_id: string | null;
  kind: string;
  text: string;
  attachment: string | null;
  reply_to: string | null;
  created_at: string;
  received_at: string;
  edited_at: string | null;
  deleted: number;
  deleted_by: string | null;
  seq: number | null;
}

const iso = (t: string | number | undefined): string | null =>
  t === undefined ? null : typeof t === 'number' ? new Date(t).toISOString() : t;

export function rowToMessage(r: Row): StoredMessage {
  return {
    id: r.id,
    roomId: r.room_id,
    authorId: r.author_id,
    deviceId: r.device_id,
    kind: r.kind,
    text: r.deleted ? '' : r.text,
    attachment: r.attachment && !r.deleted ? JSON.parse(r.attachment) : null,
    replyTo: r.reply_to,
    createdAt: r.created_at,
    receivedAt: r.received_at,
    editedAt: r.edited_at,
    deleted: !!r.deleted,
    deletedBy: r.deleted_by,
    seq: r.seq,
    epoch: r.epoch,
  };
}

export class Projection {
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      upsert: db.prepare(`
        INSERT INTO messages (room_id, epoch, key, id, author_id, device_id, kind, text, attachment, reply_to, created_at, received_at, edited_at, deleted, deleted_by)
        VALUES (@room_id, @epoch, @key, @id, @author_id, @device_id, @kind, @text, @attachment, @reply_to, @created_at, @received_at, @edited_at, @deleted, @deleted_by)
        ON CONFLICT (room_id, key) DO UPDATE SET
          text = excluded.text, attachment = excluded.attachment, edited_at = excluded.edited_at,
          deleted = excluded.deleted, deleted_by = excluded.deleted_by`),
      setSeq: db.prepare<[number, string, string]>('UPDATE messages SET seq = ? WHERE room_id = ? AND key = ?'),
      bumpSeq: db.prepare<[number, string, string]>(
        'UPDATE rooms SET last_seq = last_seq + ?, last_activity_at = ? WHERE id = ? RETURNING last_seq',
      ),
      byKey: db.prepare<[string, string], Row>('SELECT * FROM messages WHERE room_id = ? AND key = ?'),
      byId: db.prepare<[string, string], Row>('SELECT * FROM messages WHERE room_id = ? AND id = ? ORDER BY seq LIMIT 1'),
      page: db.prepare<[string, number, number], Row>(
        'SELECT * FROM messages WHERE room_id = ? AND seq IS NOT NULL AND seq < ? ORDER BY seq DESC LIMIT ?',
      ),
      last: db.prepare<[string], Row>('SELECT * FROM messages WHERE room_id = ? AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1'),
      unread: db.prepare<[string, number, string], { n: number }>(
        'SELECT count(*) AS n FROM messages WHERE room_id = ? AND seq > ? AND author_id != ? AND deleted = 0',
      ),
      readPos: db.prepare<[string, string], { seq: number }>('SELECT seq FROM read_positions WHERE user_id = ? AND room_id = ?'),
      setReadPos: db.prepare<[string, string, number]>(`
        INSERT INTO read_positions (user_id, room_id, seq) VALUES (?, ?, ?)
        ON CONFLICT (user_id, room_id) DO UPDATE SET seq = excluded.seq WHERE read_positions.seq < excluded.seq`),
      // Only an advance past the user's highest mark of that kind is a new mark.
      mark: db.prepare<{ room: string; kind: ReceiptKind; user: string; seq: number; at: string }>(`
        INSERT OR IGNORE INTO receipt_marks (room_id, kind, user_id, seq, at)
        SELECT @room, @kind, @user, @seq, @at
        WHERE @seq > COALESCE((SELECT max(seq) FROM receipt_marks WHERE room_id = @room AND kind = @kind AND user_id = @user), 0)`),
      marksFrom: db.prepare<[string, number], { kind: ReceiptKind; user_id: string; at: string }>(`
        SELECT kind, user_id, min(at) AS at FROM receipt_marks WHERE room_id = ? AND seq >= ? GROUP BY kind, user_id`),
    };
  }

  /** Inserts or updates the row of one entry (never touches its seq). */
  upsert(roomId: string, epoch: number, key: string, e: EntryFields, receivedAt: string): void {
    this.q.upsert.run({
      room_id: roomId,
      epoch,
      key,
      id: e.id,
      author_id: e.authorId,
      device_id: e.deviceId ?? null,
      kind: e.kind,
      text: e.deleted ? '' : (e.text ?? ''),
      attachment: e.attachment && !e.deleted ? JSON.stringify(e.attachment) : null,
      reply_to: e.replyTo ?? null,
      created_at: iso(e.createdAt)!,
      received_at: receivedAt,
      edited_at: iso(e.editedAt),
      deleted: e.deleted ? 1 : 0,
      deleted_by: e.deletedBy ?? null,
    });
  }

  /** Takes `n` new sequence numbers of a room; returns the first. Strictly increasing, never reused. */
  allocateSeqs(roomId: string, n: number, now: string): number {
    const r = this.q.bumpSeq.get(n, now, roomId) as { last_seq: number } | undefined;
    if (!r) throw new Error(`no room ${roomId}`);
    return r.last_seq - n + 1;
  }

  setSeq(roomId: string, key: string, seq: number): void {
    this.q.setSeq.run(seq, roomId, key);
  }

  /** Moves a user's read position forward (never back); returns whether it moved. */
  setReadPosition(userId: string, roomId: string, seq: number): boolean {
    return this.q.setReadPos.run(userId, roomId, seq).changes > 0;
  }

  /** Notes the moment `userId`'s delivered or read watermark in a room reached `seq`. */
  markReceipt(roomId: string, kind: ReceiptKind, userId: string, seq: number, at: string): void {
    this.q.mark.run({ room: roomId, kind, user: userId, seq, at });
  }

  /** When each user first had message `seq` delivered and read (from their watermark marks). */
  receiptTimes(roomId: string, seq: number): { kind: ReceiptKind; userId: string; at: string }[] {
    return this.q.marksFrom.all(roomId, seq).map((r) => ({ kind: r.kind, userId: r.user_id, at: r.at }));
  }

  readPosition(userId: string, roomId: string): number {
    return this.q.readPos.get(userId, roomId)?.seq ?? 0;
  }

  get(roomId: string, key: string): StoredMessage | undefined {
    const r = this.q.byKey.get(roomId, key);
    return r && rowToMessage(r);
  }

  getById(roomId: string, id: string): StoredMessage | undefined {
    const r = this.q.byId.get(roomId, id);
    return r && rowToMessage(r);
  }

  /** History newest first, `before` exclusive. */
  page(roomId: string, before: number, limit: number): StoredMessage[] {
    return this.q.page.all(roomId, before, limit).map(rowToMessage);
  }

  preview(roomId: string): MessagePreview | null {
    const r = this.q.last.get(roomId);
    if (!r) return null;
    return {
      id: r.id,
      authorId: r.author_id as MessagePreview['authorId'],
      kind: r.kind,
      text: r.deleted ? '' : r.text.slice(0, 200),
      createdAt: r.created_at,
      seq: r.seq!,
      ...(r.deleted ? { deleted: true } : {}),
    };
  }

  unread(roomId: string, userId: string): number {
    return this.q.unread.get(roomId, this.readPosition(userId, roomId), userId)!.n;
  }

  /** Full-text search over the given rooms, best matches first, leaving out authors `viewerId` blocked. */
  search(roomIds: string[], query: string, viewerId: string, limit = 50): (StoredMessage & { snippet: string })[] {
    if (roomIds.length === 0) return [];
    const fts = toFtsQuery(query);
    if (!fts) return [];
    const rows = this.db
      .prepare(
        `SELECT m.*, snippet(messages_fts, 0, '[', ']', '…', 12) AS snippet
         FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
         WHERE messages_fts MATCH ? AND m.deleted = 0 AND m.room_id IN (${roomIds.map(() => '?').join(',')})
           AND m.author_id NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = ?)
         ORDER BY rank LIMIT ?`,
      )
      .all(fts, ...roomIds, viewerId, limit) as (Row & { snippet: string })[];
    return rows.map((r) => ({ ...rowToMessage(r), snippet: r.snippet }));
  }
}

/** Words of the user's query as quoted FTS5 prefix terms: no FTS syntax gets through. */
export function toFtsQuery(q: string): string {
  const words = q.match(/[\p{L}\p{N}_]+/gu) ?? [];
  return words.slice(0, 10).map((w) => `"${w}"*`).join(' ');
}

const cache = new WeakMap<Db, Projection>();
/** The projection over `db`, its statements prepared once. */
export function projectionFor(db: Db): Projection {
  let p = cache.get(db);
  if (!p) cache.set(db, (p = new Projection(db)));
  return p;
}
