/**
 * The `attachments` table (one row per uploaded id; the bytes are shared by content, see
 * blob-store.ts) and the one question of authorisation: who may read an attachment.
 */
import type { Db } from '../storage/db.ts';
import type { ApiAttachment } from '#shared/api/attachments';
import { prepared } from '../rooms/sql.ts';

/** A stored attachment with its uploader. */
export interface AttachmentRecord extends ApiAttachment {
  uploaderId: string;
  createdAt: string;
}

interface Row {
  id: string;
  uploader_id: string;
  sha256: string;
  name: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  has_thumbnail: number;
  created_at: string;
}

/** What the bytes turned out to be; the same for every upload of the same content. */
export interface ContentInfo {
  mime: string;
  width?: number;
  height?: number;
  hasThumbnail: boolean;
}

function toRecord(r: Row): AttachmentRecord {
  return {
    id: r.id,
    name: r.name,
    mime: r.mime,
    size: r.size,
    ...(r.width !== null ? { width: r.width } : {}),
    ...(r.height !== null ? { height: r.height } : {}),
    sha256: r.sha256,
    hasThumbnail: !!r.has_thumbnail,
    uploaderId: r.uploader_id,
    createdAt: r.created_at,
  };
}

/** The attachment `id`, or undefined. */
export function getAttachment(db: Db, id: string): AttachmentRecord | undefined {
  const r = prepared(db, 'SELECT * FROM attachments WHERE id = ?').get(id) as Row | undefined;
  return r && toRecord(r);
}

/** What an earlier upload of the same bytes was found to be, so nothing is sniffed twice. */
export function contentInfoOf(db: Db, sha256: string): ContentInfo | undefined {
  const r = prepared(db, 'SELECT * FROM attachments WHERE sha256 = ? LIMIT 1').get(sha256) as Row | undefined;
  if (!r) return undefined;
  const { mime, width, height, hasThumbnail } = toRecord(r);
  return { mime, width, height, hasThumbnail };
}

/** Inserts a new row; false when the id is taken (a concurrent upload won). */
export function insertAttachment(db: Db, a: Omit<AttachmentRecord, 'createdAt'>, createdAt: string): boolean {
  const r = prepared(
    db,
    `INSERT INTO attachments (id, uploader_id, sha256, name, mime, size, width, height, has_thumbnail, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  ).run(a.id, a.uploaderId, a.sha256, a.name, a.mime, a.size, a.width ?? null, a.height ?? null, a.hasThumbnail ? 1 : 0, createdAt);
  return r.changes === 1;
}

/**
 * True when `userId` may read the attachment: its uploader, or a member of a room with a
 * live (not deleted) message that the uploader wrote and that references it. Requiring
 * the author to be the uploader matters because ids can be proposed by clients: a member
 * who sees an id in a message sent before its upload could otherwise upload other bytes
 * under that id and have them shown in someone else's message. The lookup uses the
 * expression index `messages_attachment_id` (migration 003).
 */
export function canRead(db: Db, a: AttachmentRecord, userId: string): boolean {
  if (a.uploaderId === userId) return true;
  const hit = prepared(
    db,
    `SELECT 1 FROM messages m JOIN members mb ON mb.room_id = m.room_id
     WHERE m.attachment IS NOT NULL AND json_extract(m.attachment, '$.id') = ?
       AND m.author_id = ? AND mb.user_id = ? LIMIT 1`,
  ).get(a.id, a.uploaderId, userId);
  return hit !== undefined;
}
