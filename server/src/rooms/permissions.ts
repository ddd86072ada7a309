/**
 * What a member may do in a room. `canPost` is asked by the sync hub for every write; the
 * `require*` guards are used by the REST routes and throw the HTTP errors directly.
 *
 * Choices (documented in the report and relied on by tests):
 * - A non-member asking about a private room (or a DM) gets 404, exactly as for a room that
 *   does not exist, so existence never leaks; a non-member of a public group gets 403.
 * - A DM has no admin actions: rename, invites and membership changes on a DM are 400.
 */
import type { Db } from '../storage/db.ts';
import type { RoomId, UserId } from '#shared/ids';
import type { Role } from '#shared/api/rooms';
import { badRequest, forbidden, notFound } from '../http/errors.ts';
import { getMembership } from './membership.ts';
import { getRoomRow, type RoomRow } from './room-store.ts';
import { prepared } from './sql.ts';

/** True for roles that administer a group (owner and admin). */
export const isAdminRole = (role: Role): boolean => role === 'owner' || role === 'admin';

/**
 * Whether `userId` may write messages into `roomId` now: a member; not a plain member of an
 * admins-only group; not in a DM whose other member has blocked them.
 */
export function canPost(db: Db, roomId: RoomId | string, userId: UserId | string): boolean {
  const row = prepared(
    db,
    `SELECT r.kind, r.only_admins_post, m.role FROM rooms r
     JOIN members m ON m.room_id = r.id AND m.user_id = ? WHERE r.id = ?`,
  ).get(userId, roomId) as { kind: string; only_admins_post: number; role: Role } | undefined;
  if (!row) return false;
  if (row.kind === 'group') return !(row.only_admins_post && row.role === 'member');
  const blocked = prepared(
    db,
    `SELECT 1 FROM members m JOIN blocks b ON b.blocker_id = m.user_id AND b.blocked_id = ?
     WHERE m.room_id = ? AND m.user_id != ?`,
  ).get(userId, roomId, userId);
  return !blocked;
}

/** A room as the caller may see it, with their role. */
export interface RoomAccess {
  room: RoomRow;
  role: Role;
}

const NO_SUCH_ROOM = 'No such room';

/** The room and the caller's role; 404 if unknown or private to others, 403 if public but not joined. */
export function requireMember(db: Db, roomId: string, userId: UserId): RoomAccess {
  const room = getRoomRow(db, roomId);
  if (!room) throw notFound(NO_SUCH_ROOM);
  const m = getMembership(db, roomId, userId);
  if (!m) {
    if (room.kind === 'group' && room.visibility === 'public') throw forbidden('Join this room first');
    throw notFound(NO_SUCH_ROOM);
  }
  return { room, role: m.role };
}

/** As `requireMember`, for actions that only exist in groups (400 on a DM). */
export function requireGroupMember(db: Db, roomId: string, userId: UserId, action: string): RoomAccess {
  const access = requireMember(db, roomId, userId);
  if (access.room.kind === 'dm') throw badRequest(`A direct message has no ${action}`);
  return access;
}

/** A group member who is an admin or the owner (403 otherwise). */
export function requireAdmin(db: Db, roomId: string, userId: UserId, action: string): RoomAccess {
  const access = requireGroupMember(db, roomId, userId, action);
  if (!isAdminRole(access.role)) throw forbidden(`Only admins can change ${action}`);
  return access;
}

/** The group's owner (403 otherwise). */
export function requireOwner(db: Db, roomId: string, userId: UserId, action: string): RoomAccess {
  const access = requireGroupMember(db, roomId, userId, action);
  if (access.role !== 'owner') throw forbidden(`Only the owner can change ${action}`);
  return access;
}
