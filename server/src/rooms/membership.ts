/**
 * Who is in which room, as plain questions over SQLite. The REST routes and the sync hub
 * share these, so "is a member" means one thing everywhere.
 */
import type { Db } from '../storage/db.ts';
import type { RoomId, UserId } from '#shared/ids';
import type { Role } from '#shared/api/rooms';
import { prepared } from './sql.ts';

/** A user's membership of a room. */
export interface Membership {
  role: Role;
  joinedAt: string;
}

/** The caller's membership of `roomId`, or undefined when they are not a member. */
export function getMembership(db: Db, roomId: RoomId | string, userId: UserId | string): Membership | undefined {
  const row = prepared(db, 'SELECT role, joined_at FROM members WHERE room_id = ? AND user_id = ?').get(roomId, userId) as
    | { role: Role; joined_at: string }
    | undefined;
  return row && { role: row.role, joinedAt: row.joined_at };
}

/** Every member of a room, longest-standing first. */
export function listMemberIds(db: Db, roomId: RoomId | string): UserId[] {
  const rows = prepared(db, 'SELECT user_id FROM members WHERE room_id = ? ORDER BY joined_at, user_id').all(roomId) as {
    user_id: UserId;
  }[];
  return rows.map((r) => r.user_id);
}

/** The rooms a user belongs to. */
export function roomsOfUser(db: Db, userId: UserId | string): RoomId[] {
  const rows = prepared(db, 'SELECT room_id FROM members WHERE user_id = ?').all(userId) as { room_id: RoomId }[];
  return rows.map((r) => r.room_id);
}

/** Every other user who shares at least one room with `userId` (presence goes to them). */
export function roomPeers(db: Db, userId: UserId | string): UserId[] {
  const rows = prepared(
    db,
    `SELECT DISTINCT p.user_id FROM members m JOIN members p ON p.room_id = m.room_id
     WHERE m.user_id = ? AND p.user_id != m.user_id`,
  ).all(userId) as { user_id: UserId }[];
  return rows.map((r) => r.user_id);
}
