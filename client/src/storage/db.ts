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
import type { AttachmentRef } from '#shared/room-doc/schema';

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
  /** The file or image of an `image`/`file` message (absent in rows stored before attachments). */
  attachment?: AttachmentRef | null;
  /**
   * Refused by the server for good (DESIGN §5: `undeliverable`): kept on this device only,
   * shown as sent and never delivered; in no room document any more.
   */
  undeliverable?: boolean;
}

/**
 * A file waiting to be uploaded, with the message it becomes once the server has it
 * (DESIGN §8: blobs waiting to upload). The room document entry is written only after
 * the upload, so no member ever sees a message naming bytes the server doesn't hold.
 */
export interface PendingAttachmentRow {
  /** The attachment id: a ULID made on the device, sent as `X-Attachment-Id`. */
  id: string;
  /** The id the message will have (made at send time, so a retry never duplicates it). */
  messageId: string;
  roomId: string;
  blob: Blob;
  name: string;
  /** The type the browser reported; the server decides the real one from the bytes. */
  mime: string;
  size: number;
  width?: number;
  height?: number;
  /** The caption. */
  text: string;
  replyTo: string | null;
  /** When it was sent, server time (milliseconds). */
  createdAt: number;
  /** Why the upload failed for good; null while it is still to be tried. */
  error: string | null;
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
  attachments: EntityTable<PendingAttachmentRow, 'id'>;
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
  // v2: files waiting to upload (issue 6).
  db.version(2).stores({ attachments: 'id, roomId, createdAt' });
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
  /** What the stored copy of a document holds, for catch-up without loading it (docs.ts). */
  docState: (name: string) => `doc-state:${name}`,
  /** roomId → true once REST history reached the room's first message. */
  historyDone: (roomId: string) => `history-done:${roomId}`,
  /** Edits and deletes written into a document and not yet confirmed (sync/pending-ops.ts). */
  pendingOps: (name: string) => `pending-ops:${name}`,
} as const;
