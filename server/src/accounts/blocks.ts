/**
 * The `blocks` table: who blocked whom. Rooms (DM creation) and the sync hub (DM writes,
 * presence) ask `hasBlocked` / `isBlockedEitherWay`; the routes list, add and remove.
 */
import type { Db } from '../storage/db.ts';
import { nowIso } from '../storage/db.ts';
import type { BlockInfo } from '#shared/api/users';
import { toPublicUser, type UserRow } from './users.ts';

/** True when `blockerId` has blocked `blockedId` (one direction only). */
export function hasBlocked(db: Db, blockerId: string, blockedId: string): boolean {
  return !!db.prepare('SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?').get(blockerId, blockedId);
}

/** True when either of `a` and `b` has blocked the other. */
export function isBlockedEitherWay(db: Db, a: string, b: string): boolean {
  return !!db
    .prepare(
      `SELECT 1 FROM blocks
       WHERE (blocker_id = @a AND blocked_id = @b) OR (blocker_id = @b AND blocked_id = @a)`,
    )
    .get({ a, b });
}

/** Ids of the users `userId` has blocked. */
export function blockedIdsOf(db: Db, userId: string): string[] {
  return (db.prepare('SELECT blocked_id FROM blocks WHERE blocker_id = ?').all(userId) as { blocked_id: string }[]).map(
    (r) => r.blocked_id,
  );
}

/** Ids of the users who have blocked `userId`. */
export function blockerIdsOf(db: Db, userId: string): string[] {
  return (db.prepare('SELECT blocker_id FROM blocks WHERE blocked_id = ?').all(userId) as { blocker_id: string }[]).map(
    (r) => r.blocker_id,
  );
}

/** The users `blockerId` has blocked, newest first. */
export function listBlocks(db: Db, blockerId: string): BlockInfo[] {
  const rows = db
    .prepare(
      `SELECT u.id, u.username, u.display_name, b.created_at
       FROM blocks b JOIN users u ON u.id = b.blocked_id
       WHERE b.blocker_id = ?
       ORDER BY b.created_at DESC, u.username`,
    )
    .all(blockerId) as (Pick<UserRow, 'id' | 'username' | 'display_name'> & { created_at: string })[];
  return rows.map((r) => ({ user: toPublicUser(r), createdAt: r.created_at }));
}

/**
 * Blocks `blockedId` for `blockerId`; both must exist. Idempotent: `created` is false and
 * the original time kept when the block was already there.
 */
export function addBlock(db: Db, blockerId: string, blockedId: string): { createdAt: string; created: boolean } {
  const now = nowIso();
  const r = db
    .prepare('INSERT OR IGNORE INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)')
    .run(blockerId, blockedId, now);
  if (r.changes > 0) return { createdAt: now, created: true };
  const row = db.prepare('SELECT created_at FROM blocks WHERE blocker_id = ? AND blocked_id = ?').get(blockerId, blockedId) as {
    created_at: string;
  };
  return { createdAt: row.created_at, created: false };
}

/** Removes a block; false when there was none. */
export function removeBlock(db: Db, blockerId: string, blockedId: string): boolean {
  return db.prepare('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?').run(blockerId, blockedId).changes > 0;
}
