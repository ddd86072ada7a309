/**
 * Room and membership changes: each checks the caller's rights, changes SQLite in one
 * transaction, then announces the change on `events` (the sync hub listens).
 *
 * Choices:
 * - Creating a group (or adding a member) with a user who has blocked the creator is
 *   refused with 403 `blocked` naming the ids, rather than silently skipping them, so the
 *   creator is never shown a member list that differs from what they asked for.
 * - A DM: kind 'dm', visibility 'private', both members plain 'member', no admin actions.
 * - Ownership is single: making someone else owner demotes the caller to admin. The owner
 *   can't change their own role (transfer or leave instead).
 * - When the owner leaves, the longest-standing admin becomes owner, else the
 *   longest-standing member; the last member leaving leaves an empty room, which is then
 *   abandoned: not listed, not joinable, its invite links dead.
 * - Adding an existing member, or joining twice, changes nothing and answers with the room.
 */
import type { Db } from '../storage/db.ts';
import type { Events } from '../events.ts';
import { nowIso } from '../storage/db.ts';
import { newId, type RoomId, type UserId } from '#shared/ids';
import type { Role, Room, Visibility } from '#shared/api/rooms';
import { ErrorCode } from '#shared/errors';
import { AppError, badRequest, forbidden, notFound } from '../http/errors.ts';
import { hasBlocked } from '../accounts/blocks.ts';
import { getMembership, listMemberIds } from './membership.ts';
import { isAdminRole, requireAdmin, requireMember, requireOwner } from './permissions.ts';
import {
  deleteMember,
  dmKey,
  getDmRoomRow,
  getRoomRow,
  insertMembers,
  insertRoom,
  isEmptyRoom,
  longestStanding,
  roomView,
  setRole,
  unknownUserIds,
  updateRoom,
} from './room-store.ts';

/** What room actions need from the app. */
export interface RoomDeps {
  db: Db;
  events: Events;
}

/** A room view plus whether the action created something (201) or found it (200). */
export interface RoomResult {
  room: Room;
  created: boolean;
}

/** Tells the sync hub who is affected: everyone in the room now plus `extra` (removed users). */
export function announce({ db, events }: RoomDeps, roomId: RoomId, extra: UserId[] = []): void {
  const userIds = [...new Set([...listMemberIds(db, roomId), ...extra])];
  events.emit('roomChanged', { roomId, userIds });
}

function refuseBlockers(db: Db, actor: UserId, userIds: UserId[]): void {
  const blockers = userIds.filter((id) => hasBlocked(db, id, actor));
  if (blockers.length)
    throw new AppError(403, ErrorCode.blocked, `These users can't be added by you: ${blockers.join(', ')}`);
}

export function createGroup(
  deps: RoomDeps,
  actor: UserId,
  body: { name: string; memberIds: string[]; visibility: Visibility },
): Room {
  const { db } = deps;
  const memberIds = [...new Set(body.memberIds)].filter((id) => id !== actor) as UserId[];
  const unknown = unknownUserIds(db, memberIds);
  if (unknown.length)
    throw badRequest(
      `Unknown member ids: ${unknown.join(', ')}`,
      unknown.map((id) => ({ path: 'memberIds', message: `no user ${id}` })),
    );
  refuseBlockers(db, actor, memberIds);
  const id = newId<RoomId>();
  db.transaction(() => {
    insertRoom(db, {
      id,
      kind: 'group',
      name: body.name,
      visibility: body.visibility,
      only_admins_post: 0,
      dm_key: null,
      live_epoch: 0,
      created_by: actor,
      created_at: nowIso(),
    });
    insertMembers(db, id, [{ userId: actor, role: 'owner' }, ...memberIds.map((userId) => ({ userId, role: 'member' as const }))]);
  })();
  announce(deps, id);
  return roomView(db, id, actor);
}

/** The DM room of the pair, created on first use (one per pair, either direction). */
export function openDm(deps: RoomDeps, actor: UserId, target: string): RoomResult {
  const { db } = deps;
  if (target === actor) throw badRequest("You can't open a direct message with yourself");
  if (unknownUserIds(db, [target]).length) throw notFound('No such user');
  const other = target as UserId;
  if (hasBlocked(db, other, actor)) throw new AppError(403, ErrorCode.blocked, 'This user does not accept messages from you');
  const key = dmKey(actor, other);
  const id = newId<RoomId>();
  const created = db.transaction(() => {
    const inserted = insertRoom(db, {
      id,
      kind: 'dm',
      name: '',
      visibility: 'private',
      only_admins_post: 0,
      dm_key: key,
      live_epoch: 0,
      created_by: actor,
      created_at: nowIso(),
    });
    if (inserted) insertMembers(db, id, [{ userId: actor, role: 'member' }, { userId: other, role: 'member' }]);
    return inserted;
  }).immediate();
  const roomId = created ? id : getDmRoomRow(db, key)!.id;
  if (created) announce(deps, roomId);
  return { room: roomView(db, roomId, actor), created };
}

export function patchRoom(
  deps: RoomDeps,
  actor: UserId,
  roomId: string,
  patch: { name?: string; visibility?: Visibility; onlyAdminsPost?: boolean },
): Room {
  const { room } = requireAdmin(deps.db, roomId, actor, 'the room settings');
  if (patch.name === undefined && patch.visibility === undefined && patch.onlyAdminsPost === undefined)
    throw badRequest('Nothing to change: send name, visibility or onlyAdminsPost');
  updateRoom(deps.db, room.id, patch);
  announce(deps, room.id);
  return roomView(deps.db, room.id, actor);
}

/**
 * Joins a public group; idempotent. Private rooms and DMs look like unknown rooms, and so
 * does an abandoned (empty) group: a newcomer would find nobody to run it.
 */
export function joinPublic(deps: RoomDeps, actor: UserId, roomId: string): Room {
  const room = getRoomRow(deps.db, roomId);
  const member = room && getMembership(deps.db, room.id, actor);
  const joinable = room && room.kind === 'group' && room.visibility === 'public' && !isEmptyRoom(deps.db, room.id);
  if (!room || (!member && !joinable)) throw notFound('No such room');
  if (!member) {
    insertMembers(deps.db, room.id, [{ userId: actor, role: 'member' }]);
    announce(deps, room.id);
  }
  return roomView(deps.db, room.id, actor);
}

/** Adds `userId` as a plain member (used by admins and by invite redemption). */
export function addMemberUnchecked(deps: RoomDeps, roomId: RoomId, userId: UserId): boolean {
  if (getMembership(deps.db, roomId, userId)) return false;
  insertMembers(deps.db, roomId, [{ userId, role: 'member' }]);
  announce(deps, roomId);
  return true;
}

export function addMember(deps: RoomDeps, actor: UserId, roomId: string, target: string): RoomResult {
  const { room } = requireAdmin(deps.db, roomId, actor, 'the members');
  if (unknownUserIds(deps.db, [target]).length) throw notFound('No such user');
  const userId = target as UserId;
  if (!getMembership(deps.db, room.id, userId)) refuseBlockers(deps.db, actor, [userId]);
  const created = addMemberUnchecked(deps, room.id, userId);
  return { room: roomView(deps.db, room.id, actor), created };
}

export function changeRole(deps: RoomDeps, actor: UserId, roomId: string, target: string, role: Role): Room {
  const { db } = deps;
  const { room } = requireOwner(db, roomId, actor, 'roles');
  if (target === actor) throw badRequest("The owner can't change their own role: make someone else owner, or leave");
  if (!getMembership(db, room.id, target)) throw notFound('No such member');
  db.transaction(() => {
    setRole(db, room.id, target as UserId, role);
    if (role === 'owner') setRole(db, room.id, actor, 'admin');
  })();
  announce(deps, room.id);
  return roomView(db, room.id, actor);
}

/** Removes `target` (an admin removing a member) or the caller themself (leaving). */
export function removeMember(deps: RoomDeps, actor: UserId, roomId: string, target: string): void {
  const { db, events } = deps;
  const { room, role } = requireMember(db, roomId, actor);
  if (room.kind === 'dm') throw badRequest("A direct message's members can't change");
  const leaving = target === actor;
  if (!leaving) {
    if (!isAdminRole(role)) throw forbidden('Only admins can remove members');
    const theirs = getMembership(db, room.id, target);
    if (!theirs) throw notFound('No such member');
    if (theirs.role === 'owner') throw forbidden("The owner can't be removed");
    if (theirs.role === 'admin' && role !== 'owner') throw forbidden('Only the owner can remove an admin');
  }
  const removed = target as UserId;
  db.transaction(() => {
    const wasOwner = getMembership(db, room.id, removed)?.role === 'owner';
    deleteMember(db, room.id, removed);
    if (wasOwner && !longestStanding(db, room.id, 'owner')) {
      const heir = longestStanding(db, room.id, 'admin') ?? longestStanding(db, room.id, 'member');
      if (heir) setRole(db, room.id, heir, 'owner');
    }
  }).immediate();
  // Cut the removed user's access first, then tell everyone to refetch.
  events.emit('memberRemoved', { roomId: room.id, userId: removed });
  announce(deps, room.id, [removed]);
}
