/**
 * Sessions (= devices) and their refresh tokens in SQLite. A session is active until it is
 * revoked or expires; a revoked session's access tokens stop working at once because
 * every request checks `isActive`.
 */
import type { Db } from '../storage/db.ts';
import { nowIso } from '../storage/db.ts';
import { newId, type SessionId, type UserId } from '#shared/ids';
import { hashToken, newRefreshToken } from './tokens.ts';

export interface SessionRow {
  id: SessionId;
  user_id: UserId;
  device_name: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export type RefreshOutcome =
  | { ok: true; session: SessionRow; refreshToken: string }
  | { ok: false; reason: 'unknown' | 'reused' | 'inactive' };

/** How long a rotated refresh token may come back as a retry of a lost answer (see `rotate`). */
export const REFRESH_RETRY_GRACE_MS = 30_000;

export class SessionStore {
  /** Called with the session id whenever a session is revoked (closes its sockets). */
  onRevoke: (sessionId: SessionId, userId: UserId) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly refreshTtlS: number,
  ) {}

  create(userId: UserId, deviceName: string): { session: SessionRow; refreshToken: string } {
    const now = nowIso();
    const session: SessionRow = {
      id: newId<SessionId>(),
      user_id: userId,
      device_name: deviceName,
      created_at: now,
      last_used_at: now,
      expires_at: new Date(Date.now() + this.refreshTtlS * 1000).toISOString(),
      revoked_at: null,
    };
    const refreshToken = newRefreshToken();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO sessions (id, user_id, device_name, created_at, last_used_at, expires_at)
           VALUES (@id, @user_id, @device_name, @created_at, @last_used_at, @expires_at)`,
        )
        .run(session);
      this.db
        .prepare('INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?, ?, ?)')
        .run(hashToken(refreshToken), session.id, now);
    })();
    return { session, refreshToken };
  }

  get(id: string): SessionRow | undefined {
    return this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
  }

  isActive(id: string): boolean {
    const s = this.get(id);
    return !!s && !s.revoked_at && s.expires_at > nowIso();
  }

  listForUser(userId: UserId): SessionRow[] {
    return this.db
      .prepare('SELECT * FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY last_used_at DESC')
      .all(userId, nowIso()) as SessionRow[];
  }

  /**
   * Rotates a refresh token: the presented one is marked used and a new one is issued. A
   * token that was already rotated means someone else holds a copy: the session is revoked —
   * unless it comes back within {@link REFRESH_RETRY_GRACE_MS} and none of its successors
   * was used yet. That is a client whose refresh answer was lost (a flaky network, a reload
   * mid-request) trying again; it gets a new token. A thief in that window is still caught:
   * the first use of any successor retires the others, and a retired one coming back revokes.
   */
  rotate(presented: string): RefreshOutcome {
    const hash = hashToken(presented);
    const row = this.db.prepare('SELECT * FROM refresh_tokens WHERE hash = ?').get(hash) as
      | { hash: string; session_id: SessionId; rotated_at: string | null; retired: number }
      | undefined;
    if (!row) return { ok: false, reason: 'unknown' };
    const session = this.get(row.session_id);
    if (!session) return { ok: false, reason: 'unknown' };
    if (row.rotated_at && (row.retired || !this.isRetry(row.session_id, row.rotated_at))) {
      this.revoke(session.id);
      return { ok: false, reason: 'reused' };
    }
    if (session.revoked_at || session.expires_at <= nowIso()) return { ok: false, reason: 'inactive' };
    const now = nowIso();
    const refreshToken = newRefreshToken();
    const expiresAt = new Date(Date.now() + this.refreshTtlS * 1000).toISOString();
    this.db.transaction(() => {
      if (!row.rotated_at) {
        this.db.prepare('UPDATE refresh_tokens SET rotated_at = ? WHERE hash = ?').run(now, hash);
        // Siblings a retry issued are retired unused: coming back, they are theft.
        this.db.prepare('UPDATE refresh_tokens SET rotated_at = ?, retired = 1 WHERE session_id = ? AND rotated_at IS NULL').run(now, session.id);
      }
      this.db
        .prepare('INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?, ?, ?)')
        .run(hashToken(refreshToken), session.id, now);
      this.db.prepare('UPDATE sessions SET last_used_at = ?, expires_at = ? WHERE id = ?').run(now, expiresAt, session.id);
    })();
    return { ok: true, session: { ...session, last_used_at: now, expires_at: expiresAt }, refreshToken };
  }

  /** A token rotated at `rotatedAt` is being retried: recently, and no successor was used since. */
  private isRetry(sessionId: SessionId, rotatedAt: string): boolean {
    if (Date.now() - Date.parse(rotatedAt) > REFRESH_RETRY_GRACE_MS) return false;
    const used = this.db
      .prepare('SELECT 1 FROM refresh_tokens WHERE session_id = ? AND created_at >= ? AND rotated_at IS NOT NULL LIMIT 1')
      .get(sessionId, rotatedAt);
    return !used;
  }

  /** The session a refresh token (current or already rotated) belongs to, without rotating it (logout). */
  sessionIdForRefreshToken(presented: string): SessionId | undefined {
    const row = this.db.prepare('SELECT session_id FROM refresh_tokens WHERE hash = ?').get(hashToken(presented)) as
      | { session_id: SessionId }
      | undefined;
    return row?.session_id;
  }

  /** Revokes a session; idempotent. Returns false if there was no such active session. */
  revoke(id: string): boolean {
    const s = this.get(id);
    if (!s || s.revoked_at) return false;
    this.db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ?').run(nowIso(), id);
    this.onRevoke(s.id, s.user_id);
    return true;
  }

  touch(id: string): void {
    this.db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?').run(nowIso(), id);
  }
}
