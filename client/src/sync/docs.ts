/**
 * Loads and releases the Yjs documents persisted by y-dexie in the `docs` table. A loaded
 * document has everything the device ever stored for it, so a room opens without the
 * network; writes into it are stored by y-dexie as they happen.
 */
import * as Y from 'yjs';
import { DexieYProvider } from 'y-dexie';
import { MetaKey, getMeta, setMeta, type DocRow, type ParleyDb } from '../storage/db.ts';

/**
 * What the device stored of a document, so that it can be subscribed without loading it
 * (DESIGN §8): the snapshot (state vector and delete set) of its last release, and whether
 * it may hold writes made since (it was loaded and not released again).
 */
export interface DocState {
  snapshot: Y.Snapshot;
  dirty: boolean;
}

export async function readDocState(db: ParleyDb, name: string): Promise<DocState> {
  const v = await getMeta<{ snapshot: Uint8Array; dirty: boolean }>(db, MetaKey.docState(name));
  // Never stored (a document from before, or new): claim nothing, so the server sends all.
  if (!v) return { snapshot: Y.emptySnapshot, dirty: (await db.docs.get(name)) !== undefined };
  return { snapshot: Y.decodeSnapshot(v.snapshot), dirty: v.dirty };
}

export async function writeDocState(db: ParleyDb, name: string, state: DocState): Promise<void> {
  await setMeta(db, MetaKey.docState(name), { snapshot: Y.encodeSnapshot(state.snapshot), dirty: state.dirty });
}

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
  await db.meta.delete(MetaKey.docState(name));
}

/** The table where y-dexie stores the updates of the `docs.doc` column. */
const UPDATES_TABLE = '$docs.doc_updates';
