/**
 * The private user document `user:<userId>` (DESIGN §3): read positions per room and
 * device, and per-room preferences. Only the user's own devices sync it; the server reads
 * it to send `receipts` control messages and to count unread messages.
 */
import type * as Y from 'yjs';
import { ReadEntrySchema, RoomPrefsSchema, UserRoot, parseReadKey, readKey, type RoomPrefs } from './schema.ts';

/** The `reads` root. */
export function readsMap(userDoc: Y.Doc): Y.Map<unknown> {
  return userDoc.getMap(UserRoot.reads);
}
/** The `prefs` root. */
export function prefsMap(userDoc: Y.Doc): Y.Map<unknown> {
  return userDoc.getMap(UserRoot.prefs);
}

/**
 * Moves this device's read position in a room forward to `seq` (`at`: when it was read).
 * No write, and `false`, when the stored position is already at or past it.
 */
export function markRead(userDoc: Y.Doc, roomId: string, deviceId: string, seq: number, at: string | number): boolean {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`bad seq ${seq}`);
  const map = readsMap(userDoc);
  const key = readKey(roomId, deviceId);
  const current = ReadEntrySchema.safeParse(map.get(key));
  if (current.success && current.data.read >= seq) return false;
  userDoc.transact(() => map.set(key, { read: seq, at }));
  return true;
}

/** The user's read position in a room: the max over their devices (0 when none). */
export function readPosition(userDoc: Y.Doc, roomId: string): number {
  return readPositions(userDoc).get(roomId) ?? 0;
}

/** Read positions of every room the user has read in (max over devices). */
export function readPositions(userDoc: Y.Doc): Map<string, number> {
  const out = new Map<string, number>();
  readsMap(userDoc).forEach((value, key) => {
    const k = parseReadKey(key);
    const r = ReadEntrySchema.safeParse(value);
    if (!k || !r.success) return;
    out.set(k.roomId, Math.max(out.get(k.roomId) ?? 0, r.data.read));
  });
  return out;
}

/** A room's preferences (empty when none were set). */
export function getRoomPrefs(userDoc: Y.Doc, roomId: string): RoomPrefs {
  const r = RoomPrefsSchema.safeParse(prefsMap(userDoc).get(roomId));
  return r.success ? r.data : {};
}

/** Merges `patch` into a room's preferences, in one transaction. */
export function setRoomPrefs(userDoc: Y.Doc, roomId: string, patch: RoomPrefs): RoomPrefs {
  const next: RoomPrefs = { ...getRoomPrefs(userDoc, roomId) };
  if (patch.muted !== undefined) next.muted = patch.muted;
  if (patch.archived !== undefined) next.archived = patch.archived;
  const map = prefsMap(userDoc);
  userDoc.transact(() => map.set(roomId, next));
  return next;
}
