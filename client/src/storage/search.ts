/**
 * Search over the device's `messages` projection, so it works offline: every word of the
 * query must appear in the text (case- and accent-insensitive). Newest first.
 */
import { Dexie } from 'dexie';
import type { MessageRow, ParleyDb } from './db.ts';

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** True when every word of `query` occurs in `text`. */
export function matchesQuery(text: string, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return false;
  const t = fold(text);
  return words.every((w) => t.includes(w));
}

export interface SearchOptions {
  /** Only this room's messages. */
  roomId?: string;
  limit?: number;
  /** Messages the reader doesn't see (a blocked person's, in groups) are not found either. */
  hide?(m: MessageRow): boolean;
}

export async function searchMessages(db: ParleyDb, query: string, { roomId, limit = 50, hide }: SearchOptions = {}): Promise<MessageRow[]> {
  if (!query.trim()) return [];
  const hit = (m: MessageRow) => !m.deleted && !hide?.(m) && matchesQuery(m.text, query);
  if (roomId) {
    return db.messages.where('[roomId+sortKey]').between([roomId, Dexie.minKey], [roomId, Dexie.maxKey]).reverse().filter(hit).limit(limit).toArray();
  }
  const rows = await db.messages.filter(hit).toArray();
  return rows.sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
}
