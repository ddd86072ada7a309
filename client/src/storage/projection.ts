/**
 * Keeps the `messages` table a projection of a room document (DESIGN §8): everything on
 * attach, then the keys each transaction touched, written in batches. The screens read
 * only the table, so a room whose document is released still lists, previews and searches.
 */
import type * as Y from 'yjs';
import type { ParleyDb } from './db.ts';
import { keysChangedIn, rowFromDoc, rowsFromDoc } from './rows.ts';

/**
 * Projects `doc` into `db.messages` on every change, and all of it now unless `full` is
 * false (a room woken to apply what arrived: its stored rows are already in the table).
 * Returns the detach function.
 */
export function projectRoomDoc(db: ParleyDb, doc: Y.Doc, roomId: string, epoch: number, { full = true }: { full?: boolean } = {}): () => void {
  let dirty = new Set<string>();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const keys = dirty;
    dirty = new Set();
    const rows = [...keys].map((k) => rowFromDoc(doc, roomId, epoch, k)).filter((r) => r !== null);
    if (rows.length) void db.messages.bulkPut(rows).catch(reportWriteError);
  };
  const onTx = (tr: Y.Transaction) => {
    for (const k of keysChangedIn(tr, doc)) dirty.add(k);
    if (dirty.size && !scheduled) {
      scheduled = true;
      // One write per burst of transactions (a catch-up applies many at once).
      queueMicrotask(flush);
    }
  };

  const all = full ? rowsFromDoc(doc, roomId, epoch) : [];
  if (all.length) void db.messages.bulkPut(all).catch(reportWriteError);
  doc.on('afterTransaction', onTx);
  return () => {
    doc.off('afterTransaction', onTx);
    if (dirty.size) flush();
  };
}

function reportWriteError(e: unknown): void {
  // The document stays the source of truth; the next change or attach rewrites the rows.
  console.warn('messages projection write failed', e);
}
