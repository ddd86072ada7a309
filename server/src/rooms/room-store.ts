/**
 * The `rooms` and `members` tables: rows in, `Room` views out. No authorisation here (see
 * `permissions.ts`); callers wrap multi-step changes in a transaction.
 */
import type { Db } from '../storage/db.ts';
import type { RoomId, UserId } from '#shared/ids';
import type { Member, PublicRoomSummary, Role, Room, RoomKind, Visibility } from '#shared/api/rooms';
import { prepared } from './sql.ts';
import { projectionFor } from '../storage/projection.ts';

/** A row of `rooms` as stored. */
export interface RoomRow {
  id: RoomId;
  kind: RoomKind;
  name: string;
  visibility: Visibility;
  only_admins_post: number;
  dm_key: string | null;
  live_epoch: number;
  created_by: UserId;
  created_at: string;
}

interface MemberRow {
  room_id: RoomId;
  id: UserId;
  username: string;
  display_name: string;
  role: Role;
  joined_at: string;
}

/** At most this many public rooms per search. */
export const PUBLIC_SEARCH_LIMIT = 50;

export function getRoomRow(db: Db, roomId: string): RoomRow | undefined {
  return prepared(db, 'SELECT * FROM rooms WHERE id = ?').get(roomId) as RoomRow | undefined;
}

/** The DM key of a pair: the two ids sorted, so either direction finds the same room. */
export const dmKey = (a: UserId, b: UserId): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

export function getDmRoomRow(db: Db, key: string): RoomRow | undefined {
  return prepared(db, 'SELECT * FROM rooms WHERE dm_key = ?').get(key) as RoomRow | undefined;
}

/**
 * Inserts a room; returns false when a DM with the same key already exists (the UNIQUE
 * constraint decides, so two concurrent creators end up with one room).
 */
export function insertRoom(db: Db, row: RoomRow): boolean {
  const r = prepared(
    db,
    `INSERT INTO rooms (id, kind, name, visibility, only_admins_post, dm_key, live_epoch, created_by, created_at)
     VALUES (@id, @kind, @name, @visibility, @only_admins_post, @dm_key, @live_epoch, @created_by, @created_at)
     ON CONFLICT(dm_key) DO NOTHING`,
  ).run(row);
  return r.changes === 1;
}

export function updateRoom(db: Db, roomId: RoomId, patch: { name?: string; visibility?: Visibility; onlyAdminsPost?: boolean }): void {
  if (patch.name !== undefined) prepared(db, 'UPDATE rooms SET name = ? WHERE id = ?').run(patch.name, roomId);
  if (patch.visibility !== undefined) prepared(db, 'UPDATE rooms SET visibility = ? WHERE id = ?').run(patch.visibility, roomId);
  if (patch.onlyAdminsPost !== undefined)
    prepared(db, 'UPDATE rooms SET only_admins_post = ? WHERE id = ?').run(patch.onlyAdminsPost ? 1 : 0, roomId);
}

/**
 * Adds members in the given order. Join times are made strictly increasing within a room
 * (a millisecond apart at least), so "longest-standing" — which decides who inherits
 * ownership — is always well defined, even for members added in the same millisecond.
 */
export function insertMembers(db: Db, roomId: RoomId, members: { userId: UserId; role: Role }[]): void {
  const last = (prepared(db, 'SELECT max(joined_at) AS t FROM members WHERE room_id = ?').get(roomId) as { t: string | null }).t;
  let t = Math.max(Date.now(), last ? Date.parse(last) + 1 : 0);
  const insert = prepared(db, 'INSERT INTO members (room_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)');
  for (const m of members) insert.run(roomId, m.userId, m.role, new Date(t++).toISOString());
}

export function deleteMember(db: Db, roomId: RoomId, userId: UserId): void {
  prepared(db, 'DELETE FROM members WHERE room_id = ? AND user_id = ?').run(roomId, userId);
}

export function setRole(db: Db, roomId: RoomId, userId: UserId, role: Role): void {
  prepared(db, 'UPDATE members SET role = ? WHERE room_id = ? AND user_id = ?').run(role, roomId, userId);
}

/** The longest-standing member with `role`, if any. */
export function longestStanding(db: Db, roomId: RoomId, role: Role): UserId | undefined {
  const row = prepared(db, 'SELECT user_id FROM members WHERE room_id = ? AND role = ? ORDER BY joined_at, user_id LIMIT 1').get(
    roomId,
    role,
  ) as { user_id: UserId } | undefined;
  return row?.user_id;
}

const MEMBER_COLUMNS = `m.room_id, u.id, u.username, u.display_name, m.role, m.joined_at
  FROM members m JOIN users u ON u.id = m.user_id`;

function toMember(r: MemberRow): Member {
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, joinedAt: r.joined_at };
}

/** Builds the views of `rooms` for `userId`, given every member row of those rooms. */
function toRooms(db: Db, userId: UserId, rooms: RoomRow[], memberRows: MemberRow[]): Room[] {
  const byRoom = new Map<string, Member[]>();
  for (const r of memberRows) {
    let list = byRoom.get(r.room_id);
    if (!list) byRoom.set(r.room_id, (list = []));
    list.push(toMember(r));
  }
  return rooms.map((row) => {
    const members = byRoom.get(row.id) ?? [];
    const me = members.find((m) => m.id === userId);
    const other = members.find((m) => m.id !== userId);
    return {
      id: row.id,
      kind: row.kind,
      name: row.kind === 'dm' ? (other?.displayName ?? me?.displayName ?? '') : row.name,
      visibility: row.visibility,
      onlyAdminsPost: !!row.only_admins_post,
      createdAt: row.created_at,
      members,
      myRole: me?.role ?? 'member',
      lastMessage: projectionFor(db).preview(row.id),
      unread: projectionFor(db).unread(row.id, userId),
      liveEpoch: row.live_epoch,
    };
  });
}

/**
 * Every room of `userId` with members, last message and unread count, latest activity
 * first. The one place that computes the room list, so later issues extend it here.
 */
export function roomSummaries(db: Db, userId: UserId): Room[] {
  // rowid keeps creation order between rooms created in the same millisecond.
  const rooms = prepared(
    db,
    `SELECT r.* FROM rooms r JOIN members m ON m.room_id = r.id AND m.user_id = ?
     ORDER BY coalesce(r.last_activity_at, r.created_at) DESC, r.rowid DESC`,
  ).all(userId) as RoomRow[];
  const members = prepared(
    db,
    `SELECT ${MEMBER_COLUMNS}
     WHERE m.room_id IN (SELECT room_id FROM members WHERE user_id = ?) ORDER BY m.joined_at, m.user_id`,
  ).all(userId) as MemberRow[];
  return toRooms(db, userId, rooms, members);
}

/** One room as `userId` sees it (the caller checks membership). */
export function roomView(db: Db, roomId: RoomId, userId: UserId): Room {
  const row = getRoomRow(db, roomId);
  if (!row) throw new Error(`room ${roomId} vanished`);
  const members = prepared(db, `SELECT ${MEMBER_COLUMNS} WHERE m.room_id = ? ORDER BY m.joined_at, m.user_id`).all(
    roomId,
  ) as MemberRow[];
  return toRooms(db, userId, [row], members)[0]!;
}

/**
 * Public groups whose name contains `q` (case-insensitive), prefix matches first. Empty
 * rooms (everyone left) are abandoned: nobody could run them, so they are not offered.
 */
export function searchPublicRooms(db: Db, userId: UserId, q: string): PublicRoomSummary[] {
  const escaped = q.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  const rows = prepared(
    db,
    `SELECT r.id, r.name,
       (SELECT count(*) FROM members WHERE room_id = r.id) AS member_count,
       EXISTS (SELECT 1 FROM members WHERE room_id = r.id AND user_id = @userId) AS is_member
     FROM rooms r
     WHERE r.kind = 'group' AND r.visibility = 'public' AND r.name LIKE @contains ESCAPE '\\'
       AND EXISTS (SELECT 1 FROM members WHERE room_id = r.id)
     ORDER BY (r.name LIKE @prefix ESCAPE '\\') DESC, r.name COLLATE NOCASE, r.id
     LIMIT ${PUBLIC_SEARCH_LIMIT}`,
  ).all({ userId, contains: `%${escaped}%`, prefix: `${escaped}%` }) as {
    id: RoomId;
    name: string;
    member_count: number;
    is_member: number;
  }[];
  return rows.map((r) => ({ id: r.id, name: r.name, memberCount: r.member_count, isMember: !!r.is_member }));
}

/** The summary of one group (invite previews). */
export function roomSummary(db: Db, room: RoomRow, userId: UserId): PublicRoomSummary {
  const r = prepared(
    db,
    `SELECT (SELECT count(*) FROM members WHERE room_id = @id) AS n,
       EXISTS (SELECT 1 FROM members WHERE room_id = @id AND user_id = @userId) AS is_member`,
  ).get({ id: room.id, userId }) as { n: number; is_member: number };
  return { id: room.id, name: room.name, memberCount: r.n, isMember: !!r.is_member };
}

/** True when nobody is in the room any more. */
export function isEmptyRoom(db: Db, roomId: RoomId): boolean {
  return !prepared(db, 'SELECT 1 FROM members WHERE room_id = ? LIMIT 1').get(roomId);
}

/** Which of `ids` name no user. */
export function unknownUserIds(db: Db, ids: string[]): string[] {
  const exists = prepared(db, 'SELECT 1 FROM users WHERE id = ?');
  return ids.filter((id) => !exists.get(id));
}
