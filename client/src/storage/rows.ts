/**
 * Turns room-document entries and REST messages into `messages` rows. Pure functions, so
 * the projection logic is tested without IndexedDB.
 */
import type * as Y from 'yjs';
import { getMessage, messagesMap, orderMap } from '#shared/room-doc/ops';
import { AttachmentRefSchema, isTombstone, messageKey, parseMessageKey, type AttachmentRef } from '#shared/room-doc/schema';
import type { ApiMessage } from '#shared/api/messages';
import type { MessageRow } from './db.ts';
import { sortKeyOf } from './sort-key.ts';

/** The row of the message under `key` in a room document; `null` when absent or malformed. */
export function rowFromDoc(doc: Y.Doc, roomId: string, epoch: number, key: string): MessageRow | null {
  const entry = getMessage(doc, key);
  const k = parseMessageKey(key);
  if (!entry || !k || k.authorId !== entry.authorId || k.messageId !== entry.id) return null;
  const rawSeq = orderMap(doc).get(key);
  const seq = typeof rawSeq === 'number' ? rawSeq : null;
  const dead = isTombstone(entry);
  return {
    id: entry.id,
    roomId,
    key,
    sortKey: sortKeyOf(seq, entry.createdAt, entry.id),
    seq,
    epoch,
    authorId: entry.authorId,
    kind: entry.kind,
    text: dead ? '' : entry.text,
    replyTo: dead ? null : (entry.replyTo ?? null),
    createdAt: entry.createdAt,
    editedAt: dead ? null : (entry.editedAt ?? null),
    deleted: dead,
    deletedBy: dead ? entry.deletedBy : null,
    attachment: dead ? null : (entry.attachment ?? null),
  };
}

/** Rows of every message in a room document. */
export function rowsFromDoc(doc: Y.Doc, roomId: string, epoch: number): MessageRow[] {
  const rows: MessageRow[] = [];
  for (const key of messagesMap(doc).keys()) {
    const row = rowFromDoc(doc, roomId, epoch, key);
    if (row) rows.push(row);
  }
  return rows;
}

/** The row of a message from `GET /api/rooms/:id/messages`. */
export function rowFromApi(m: ApiMessage): MessageRow {
  const createdAt = Date.parse(m.createdAt);
  return {
    id: m.id,
    roomId: m.roomId,
    key: messageKey(m.authorId, m.id),
    sortKey: sortKeyOf(m.seq, createdAt, m.id),
    seq: m.seq,
    epoch: m.epoch,
    authorId: m.authorId,
    kind: m.kind,
    text: m.deleted ? '' : m.text,
    replyTo: m.deleted ? null : m.replyTo,
    createdAt,
    editedAt: m.editedAt ? Date.parse(m.editedAt) : null,
    deleted: m.deleted,
    deletedBy: m.deletedBy,
    attachment: m.deleted ? null : attachmentOf(m.attachment),
  };
}

/** REST types `attachment` loosely; only a well-formed reference reaches the screens. */
function attachmentOf(value: unknown): AttachmentRef | null {
  const r = AttachmentRefSchema.safeParse(value);
  return r.success ? r.data : null;
}

/** Keys of `messages`/`order` that one transaction touched: their rows may have changed. */
export function keysChangedIn(tr: Y.Transaction, doc: Y.Doc): string[] {
  const keys = new Set<string>();
  for (const type of [messagesMap(doc), orderMap(doc)]) {
    tr.changed.get(type as unknown as Y.AbstractType<Y.YEvent<any>>)?.forEach((k) => {
      if (k !== null) keys.add(k);
    });
  }
  return [...keys];
}
