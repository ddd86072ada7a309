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
   * token that was already rotated means someone else holds a copy: the session is revoked.
   */
  rotate(presented: string): RefreshOutcome {
    const hash = hashToken(presented);
    const row = this.db.prepare('SELECT * FROM refresh_tokens WHERE hash = ?').get(hash) as
      | { hash: string; session_id: SessionId; rotated_at: string | null }
      | undefined;
    if (!row) return { ok: false, reason: 'unknown' };
    const session = this.get(row.session_id);
    if (!session) return { ok: false, reason: 'unknown' };
    if (row.rotated_at) {
      this.revoke(session.id);
      return { ok: false, reason: 'reused' };
    }
    if (session.revoked_at || session.expires_at <= nowIso()) return { ok: false, reason: 'inactive' };
    const now = nowIso();
    const refreshToken = newRefreshToken();
    const expiresAt = new Date(Date.now() + this.refreshTtlS * 1000).toISOString();
    this.db.transaction(() => {
      this.db.prepare('UPDATE refresh_tokens SET rotated_at = ? WHERE hash = ?').run(now, hash);
      this.db
        .prepare('INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?, ?, ?)')
        .run(hashToken(refreshToken), session.id, now);
      this.db.prepare('UPDATE sessions SET last_used_at = ?, expires_at = ? WHERE id = ?').run(now, expiresAt, session.id);
    })();
    return { ok: true, session: { ...session, last_used_at: now, expires_at: expiresAt }, refreshToken };
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
