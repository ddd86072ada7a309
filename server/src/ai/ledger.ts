/**
 * The `ai_replies` table: every reply the AI wrote for a user. It answers the two guards
 * that must survive a restart (one reply per conversation per interval, a daily cap per
 * user) and `GET /api/ai/replies` ("what did the AI say for me while I was away").
 */
import type { Db } from '../storage/db.ts';
import type { AiReplyInfo } from '#shared/api/ai';
import { getPublicUser } from '../accounts/users.ts';

export interface AiReplyRecord {
  roomId: string;
  userId: string;
  messageId: string;
  answeredId: string;
  createdAt: string;
}

interface ListRow {
  room_id: string;
  message_id: string;
  answered_id: string;
  created_at: string;
  text: string | null;
  deleted: number | null;
  peer_id: string | null;
}

export class AiLedger {
  constructor(private readonly db: Db) {}

  record(r: AiReplyRecord): void {
    this.db
      .prepare('INSERT INTO ai_replies (room_id, user_id, message_id, answered_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(r.roomId, r.userId, r.messageId, r.answeredId, r.createdAt);
  }

  /** When the AI last answered in this room for `userId`, in ms since the epoch, or undefined. */
  lastReplyAt(roomId: string, userId: string): number | undefined {
    const row = this.db
      .prepare('SELECT max(created_at) AS at FROM ai_replies WHERE room_id = ? AND user_id = ?')
      .get(roomId, userId) as { at: string | null };
    return row.at ? Date.parse(row.at) : undefined;
  }

  /** How many replies the AI wrote for `userId` since `sinceIso`. */
  countSince(userId: string, sinceIso: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM ai_replies WHERE user_id = ? AND created_at > ?').get(userId, sinceIso) as { n: number }).n;
  }

  /** The replies written for `userId`, newest first, with their current text. */
  list(userId: string, opts: { since?: string; limit: number }): AiReplyInfo[] {
    const rows = this.db
      .prepare(
        `SELECT a.room_id, a.message_id, a.answered_id, a.created_at, m.text, m.deleted,
                (SELECT mm.user_id FROM members mm WHERE mm.room_id = a.room_id AND mm.user_id != a.user_id LIMIT 1) AS peer_id
         FROM ai_replies a
         LEFT JOIN messages m ON m.room_id = a.room_id AND m.key = a.user_id || ':' || a.message_id
         WHERE a.user_id = ? AND a.created_at > ?
         ORDER BY a.created_at DESC, a.id DESC LIMIT ?`,
      )
      .all(userId, opts.since ?? '', opts.limit) as ListRow[];
    return rows.map((r) => ({
      roomId: r.room_id,
      messageId: r.message_id,
      answeredId: r.answered_id,
      to: r.peer_id ? (getPublicUser(this.db, r.peer_id) ?? null) : null,
      text: r.deleted ? '' : (r.text ?? ''),
      deleted: !!r.deleted,
      createdAt: r.created_at,
    }));
  }
}
