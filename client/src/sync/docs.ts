/**
 * Loads and releases the Yjs documents persisted by y-dexie in the `docs` table. A loaded
 * document has everything the device ever stored for it, so a room opens without the
 * network; writes into it are stored by y-dexie as they happen.
 */
import * as Y from 'yjs';
import { DexieYProvider } from 'y-dexie';
import type { DocRow, ParleyDb } from '../storage/db.ts';

/** Loads (creating when new) the persisted document `name`. */
export async function loadDoc(db: ParleyDb, name: string): Promise<Y.Doc> {
  if (!(await db.docs.get(name))) {
    // The row anchors the y-dexie column; its updates live in their own table.
    await db.docs.add({ name } as DocRow).catch(() => {});
  }
  const doc = DexieYProvider.getOrCreateDocument(db, 'docs', 'doc', name);
  const provider = DexieYProvider.load(doc);
  await provider.whenLoaded;
  return doc;
}

/** Releases a document loaded with {@link loadDoc} (destroyed once nobody holds it). */
export function releaseDoc(doc: Y.Doc): void {
  DexieYProvider.release(doc);
}

/**
 * Destroys a loaded document and deletes everything the device stored for it, so that
 * the next {@link loadDoc} of `name` starts empty, with a new clientID (DESIGN §5: a
 * refused update poisons every later one of the same clientID).
 */
export async function wipeDoc(db: ParleyDb, name: string, doc?: Y.Doc): Promise<void> {
  // Destroying (not releasing) stops y-dexie at once and drops the doc from its cache.
  doc?.destroy();
  // y-dexie keeps a column's updates in a table of its own, keyed by the row's key (`k`).
  await db.table(UPDATES_TABLE).where({ k: name }).delete();
}

/** The table where y-dexie stores the updates of the `docs.doc` column. */
const UPDATES_TABLE = '$docs.doc_updates';
