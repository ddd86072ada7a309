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
