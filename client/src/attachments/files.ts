/**
 * Files chosen in the composer: the size check against the server's limit (before
 * anything is sent), sizes for people, the image size of a local file, and the row a
 * pending upload shows as in the room until its message is written.
 */
import { attachmentKind } from '#shared/api/attachments';
import { messageKey } from '#shared/room-doc/schema';
import type { MessageRow, PendingAttachmentRow } from '../storage/db.ts';
import { sortKeyOf } from '../storage/sort-key.ts';

/** `340 B`, `12 KB`, `1.5 MB`, `2 GB` (powers of 1024, as the server's limit is counted). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 10 ? 0 : 1;
  return `${v.toFixed(digits).replace(/\.0$/, '')} ${units[u]}`;
}

/** Why a file can't be sent, or null when it can. `maxBytes` null: limit not known yet. */
export function sizeProblem(file: { name: string; size: number }, maxBytes: number | null): string | null {
  if (maxBytes !== null && file.size > maxBytes) {
    return `“${file.name}” is too large to send (${formatBytes(file.size)}): files can be at most ${formatBytes(maxBytes)}.`;
  }
  return null;
}

/** Width and height of an image file, or null when the browser can't read it. */
export async function imageSize(blob: Blob): Promise<{ width: number; height: number } | null> {
  if (!blob.type.startsWith('image/') || typeof createImageBitmap !== 'function') return null;
  try {
    const bmp = await createImageBitmap(blob);
    const size = { width: bmp.width, height: bmp.height };
    bmp.close();
    return size.width > 0 && size.height > 0 ? size : null;
  } catch {
    return null;
  }
}

/** A pasted image often has no useful name ("image.png"): give it one with the time. */
export function nameOf(file: File, now = new Date()): string {
  if (file.name && file.name !== 'image.png') return file.name;
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const ext = file.type.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'bin';
  return `pasted-${stamp}.${ext}`;
}

/** The row a pending upload shows as (pending, after every sequenced message). */
export function pendingRow(p: PendingAttachmentRow, authorId: string): MessageRow {
  const attachment: MessageRow['attachment'] = { id: p.id, name: p.name, mime: p.mime, size: p.size };
  if (p.width && p.height) Object.assign(attachment, { width: p.width, height: p.height });
  return {
    id: p.messageId,
    roomId: p.roomId,
    key: messageKey(authorId, p.messageId),
    sortKey: sortKeyOf(null, p.createdAt, p.messageId),
    seq: null,
    epoch: -1,
    authorId,
    kind: attachmentKind(p.mime),
    text: p.text,
    replyTo: p.replyTo,
    createdAt: p.createdAt,
    editedAt: null,
    deleted: false,
    deletedBy: null,
    attachment,
  };
}

/**
 * The room's rows with the pending uploads merged in, in display order. A pending upload
 * whose message already reached the table is left out (the two overlap for a moment).
 */
export function withPending(rows: MessageRow[], pending: MessageRow[]): MessageRow[] {
  if (pending.length === 0) return rows;
  const ids = new Set(rows.map((r) => r.id));
  const extra = pending.filter((p) => !ids.has(p.id));
  if (extra.length === 0) return rows;
  return [...rows, ...extra].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
}
