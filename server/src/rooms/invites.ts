/**
 * Invite links: a random token that lets whoever holds it join a group until an admin
 * revokes it. Only the token's holder can use it; the token is the whole secret.
 */
import { randomBytes } from 'node:crypto';
import type { RoomId, UserId } from '#shared/ids';
import type { InviteInfo, PublicRoomSummary, Room } from '#shared/api/rooms';
import { nowIso } from '../storage/db.ts';
import { notFound } from '../http/errors.ts';
import { requireAdmin } from './permissions.ts';
import { getRoomRow, isEmptyRoom, roomSummary, roomView, type RoomRow } from './room-store.ts';
import { addMemberUnchecked, type RoomDeps } from './room-actions.ts';
import { prepared } from './sql.ts';

/** `${origin}/invite/${token}`: the link the app opens. */
export const inviteUrl = (origin: string, token: string): string => `${origin.replace(/\/+$/, '')}/invite/${token}`;

export function createInvite(deps: RoomDeps, actor: UserId, roomId: string, origin: string): InviteInfo {
  const { room } = requireAdmin(deps.db, roomId, actor, 'invites');
  const token = randomBytes(24).toString('base64url');
  const createdAt = nowIso();
  prepared(deps.db, 'INSERT INTO invites (token, room_id, created_by, created_at) VALUES (?, ?, ?, ?)').run(
    token,
    room.id,
    actor,
    createdAt,
  );
  return { token, url: inviteUrl(origin, token), createdBy: actor, createdAt };
}

/** The room's active (unrevoked) invites, newest first. */
export function listInvites(deps: RoomDeps, actor: UserId, roomId: string, origin: string): InviteInfo[] {
  const { room } = requireAdmin(deps.db, roomId, actor, 'invites');
  const rows = prepared(
    deps.db,
    'SELECT token, created_by, created_at FROM invites WHERE room_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, token',
  ).all(room.id) as { token: string; created_by: UserId; created_at: string }[];
  return rows.map((r) => ({ token: r.token, url: inviteUrl(origin, r.token), createdBy: r.created_by, createdAt: r.created_at }));
}

/** Revokes a token of this room; revoking twice is fine, a token of another room is 404. */
export function revokeInvite(deps: RoomDeps, actor: UserId, roomId: string, token: string): void {
  const { room } = requireAdmin(deps.db, roomId, actor, 'invites');
  const r = prepared(deps.db, 'SELECT 1 FROM invites WHERE token = ? AND room_id = ?').get(token, room.id);
  if (!r) throw notFound('No such invite');
  prepared(deps.db, 'UPDATE invites SET revoked_at = coalesce(revoked_at, ?) WHERE token = ?').run(nowIso(), token);
}

function activeInviteRoom(deps: RoomDeps, token: string): RoomRow {
  const row = prepared(deps.db, 'SELECT room_id FROM invites WHERE token = ? AND revoked_at IS NULL').get(token) as
    | { room_id: RoomId }
    | undefined;
  const room = row && getRoomRow(deps.db, row.room_id);
  // An abandoned (empty) room's links are dead, as the room is (see joinPublic).
  if (!room || isEmptyRoom(deps.db, room.id)) throw notFound('This invite link is not valid (revoked or unknown)');
  return room;
}

/** What an invite leads to, before joining (the app's invite page). */
export function previewInvite(deps: RoomDeps, actor: UserId, token: string): PublicRoomSummary {
  return roomSummary(deps.db, activeInviteRoom(deps, token), actor);
}

/** Joins the invite's room as a plain member; idempotent for members. */
export function redeemInvite(deps: RoomDeps, actor: UserId, token: string): Room {
  const room = activeInviteRoom(deps, token);
  addMemberUnchecked(deps, room.id, actor);
  return roomView(deps.db, room.id, actor);
}
