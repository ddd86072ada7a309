/**
 * The device's database, one per signed-in user (DESIGN §8): `rooms` (the room list as
 * the server last sent it), `messages` (a projection of the room documents plus history
 * paged over REST), `meta` (drafts, read positions, clock offset, server limits) and
 * `docs`, whose `doc` column holds each Yjs document, persisted by y-dexie.
 */
import { Dexie, type EntityTable } from 'dexie';
import yDexie from 'y-dexie';
import type * as Y from 'yjs';
import type { Room } from '#shared/api/rooms';

/** A message as the screens read it: one row per message, whatever its source. */
export interface MessageRow {
  /** The message id (a ULID, unique across rooms). */
  id: string;
  roomId: string;
  /** `<authorId>:<id>`, the key in the room document. */
  key: string;
  sortKey: string;
  /** `null` while pending (not yet on the server). */
  seq: number | null;
  epoch: number;
  authorId: string;
  kind: string;
  text: string;
  replyTo: string | null;
  /** Milliseconds since the epoch, server time. */
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
  deletedBy: string | null;
}

/** A room as cached from `GET /api/rooms`. */
export type RoomRow = Room;

export interface MetaRow {
  key: string;
  value: unknown;
}

/** A persisted Yjs document: `room:<roomId>:<epoch>` or `user:<userId>`. */
export interface DocRow {
  name: string;
  doc: Y.Doc;
}

export type ParleyDb = Dexie & {
  rooms: EntityTable<RoomRow, 'id'>;
  messages: EntityTable<MessageRow, 'id'>;
  meta: EntityTable<MetaRow, 'key'>;
  docs: EntityTable<DocRow, 'name'>;
};

/** The database name of a user; exported for tests that inspect IndexedDB. */
export const dbName = (userId: string): string => `parley-${userId}`;

export function openUserDb(userId: string): ParleyDb {
  const db = new Dexie(dbName(userId), { addons: [yDexie] }) as ParleyDb;
  db.version(1).stores({
    rooms: 'id',
    messages: 'id, [roomId+sortKey], [roomId+seq]',
    meta: 'key',
    docs: 'name, doc: Y.Doc',
  });
  return db;
}

/** Reads a `meta` value. */
export async function getMeta<T>(db: ParleyDb, key: string): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}

export function setMeta(db: ParleyDb, key: string, value: unknown): Promise<string> {
  return db.meta.put({ key, value });
}

/** Meta keys, named in one place. */
export const MetaKey = {
  clockOffset: 'clock-offset',
  config: 'config',
  /** roomId → read seq (max over this user's devices), from the user document. */
  reads: 'reads',
  draft: (roomId: string) => `draft:${roomId}`,
  /** roomId → true once REST history reached the room's first message. */
  historyDone: (roomId: string) => `history-done:${roomId}`,
} as const;
