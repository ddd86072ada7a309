/**
 * Names of the Yjs documents the sync server serves: one per room and epoch
 * (`room:<roomId>:<epoch>`, DESIGN §3) and one private document per user (`user:<userId>`).
 */
import { ULID_PATTERN, type RoomId, type UserId } from '#shared/ids';

/** What a document name refers to. */
export type DocRef = { kind: 'room'; roomId: RoomId; epoch: number } | { kind: 'user'; userId: UserId };

/** Kinds of document, as {@link DocRef} tags them. */
export type DocKind = DocRef['kind'];

const ULID = ULID_PATTERN.source.slice(1, -1);
// Epochs are written without leading zeros, so a room epoch has exactly one name.
const ROOM_NAME = new RegExp(`^room:(${ULID}):(0|[1-9][0-9]{0,15})$`);
const USER_NAME = new RegExp(`^user:(${ULID})$`);

/**
 * The name of a room's document for one epoch.
 * @example roomDocName(roomId, 0) // 'room:01J…:0'
 */
export function roomDocName(roomId: string, epoch: number): string {
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`bad epoch ${epoch}`);
  return `room:${roomId}:${epoch}`;
}

/** The name of a user's private document (read positions, per-room preferences). */
export function userDocName(userId: string): string {
  return `user:${userId}`;
}

/**
 * Parses a document name strictly (ids must be ULIDs, the epoch a non-negative integer
 * without leading zeros); anything else is `null`.
 */
export function parseDocName(name: string): DocRef | null {
  const room = ROOM_NAME.exec(name);
  if (room) {
    const epoch = Number(room[2]);
    if (!Number.isSafeInteger(epoch)) return null;
    return { kind: 'room', roomId: room[1] as RoomId, epoch };
  }
  const user = USER_NAME.exec(name);
  if (user) return { kind: 'user', userId: user[1] as UserId };
  return null;
}
