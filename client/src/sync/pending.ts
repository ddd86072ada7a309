/**
 * Which of a device's own entries a recovery path carries over (DESIGN §3, §5). Pure
 * functions over plain Y.Docs, so the choice is tested without IndexedDB or a server.
 *
 * "Pending" means: written by this user, not yet sequenced by the server (no `order`
 * entry), and not a tombstone — a message deleted before it was ever sent has nothing
 * left to deliver, and a tombstone can't be the first write of a key anyway.
 */
import type * as Y from 'yjs';
import { messagesMap, orderMap } from '#shared/room-doc/ops';
import { isTombstone, parseMessageEntry, parseMessageKey, type MessageEntry } from '#shared/room-doc/schema';

export interface PendingEntry {
  key: string;
  entry: MessageEntry;
}

/** The user's own unsequenced, live message entries of `doc`, oldest first. */
export function ownPendingEntries(doc: Y.Doc, userId: string): PendingEntry[] {
  const order = orderMap(doc);
  const out: PendingEntry[] = [];
  messagesMap(doc).forEach((value, key) => {
    if (order.has(key)) return;
    const k = parseMessageKey(key);
    const entry = parseMessageEntry(value);
    if (!k || !entry || k.authorId !== userId || entry.authorId !== userId || k.messageId !== entry.id) return;
    if (isTombstone(entry)) return;
    out.push({ key, entry });
  });
  return out.sort((a, b) => a.entry.createdAt - b.entry.createdAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Writes `entries` into `target` under the same keys, in one transaction (so they go out
 * as one update, in the order written), skipping keys the target already holds: a move
 * that is repeated, or an entry the server had after all, never duplicates.
 * Returns the keys written.
 */
export function copyEntries(target: Y.Doc, entries: readonly PendingEntry[]): string[] {
  const map = messagesMap(target);
  const written: string[] = [];
  target.transact(() => {
    for (const { key, entry } of entries) {
      if (map.has(key)) continue;
      // A fresh object: the document holds plain JSON, not the source document's value.
      map.set(key, structuredClone(entry));
      written.push(key);
    }
  });
  return written;
}

/**
 * After a refused update and a resync (DESIGN §5): which of the old copy's pending
 * entries the server never took (absent from the resynced document). For `rejected` they
 * are written again under the fresh clientID; for `undeliverable` they stay on the device
 * only, as sent but never delivered.
 */
export function refusedEntries(before: readonly PendingEntry[], resynced: Y.Doc): PendingEntry[] {
  const map = messagesMap(resynced);
  return before.filter((p) => !map.has(p.key));
}

/** The highest `seq` in a room document (0 when none). */
export function maxSeq(doc: Y.Doc): number {
  let max = 0;
  orderMap(doc).forEach((v) => {
    if (typeof v === 'number' && v > max) max = v;
  });
  return max;
}
