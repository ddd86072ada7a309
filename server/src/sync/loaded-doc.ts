/**
 * A document held in memory by the hub: the Y.Doc, its awareness, its clientID bindings,
 * and what changed since the last commit (for the projection). Loaded from the store on
 * first use; the server writes into it with its own reserved clientID.
 */
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { DocStore } from '../storage/doc-store.ts';
import type { DocRef } from '#shared/room-doc/names';

export type { DocRef };

/** The server's own Yjs clientID in every document; no device may bind it. */
export const SERVER_CLIENT_ID = 1;
/** The pseudo-user the server's clientID is bound to. */
export const SERVER_USER = '@server';
/** Transaction origin of the server's own writes. */
export const SERVER_ORIGIN = Symbol('server');

export class LoadedDoc {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /** clientID → userId; only changed after an update was accepted. */
  readonly bindings: Map<number, string>;
  /** Keys of `messages` (room) or `reads` (user doc) changed since the last commit. */
  readonly dirtyKeys = new Set<string>();
  /** Keys of a room's `receipts` (delivered watermarks) changed since the last commit. */
  readonly dirtyReceipts = new Set<string>();
  /** Updates the server wrote since the last commit (captured from the doc). */
  serverUpdates: Uint8Array[] = [];
  /** Writes applied in memory and not yet durable. */
  uncommitted = 0;
  /** Work waiting until the in-memory state is durable (answers to sync step 1). */
  deferred: (() => void)[] = [];
  /** Rows in the store's log for this doc (compaction trigger). */
  rows: number;
  /** Bytes of the stored log (an estimate of the encoded document size, for sealing epochs). */
  bytes: number;
  /** Messages with a seq in this document (for sealing epochs). */
  sequenced: number;
  lastUsed = Date.now();
  /** Awareness clientID → userId that owns it. */
  readonly awarenessOwners = new Map<number, string>();

  constructor(
    readonly name: string,
    readonly parsed: DocRef,
    store: DocStore,
  ) {
    const stored = store.load(name);
    this.doc = new Y.Doc({ gc: true });
    if (stored.updates.length) {
      Y.transact(this.doc, () => {
        for (const u of stored.updates) Y.applyUpdate(this.doc, u);
      });
    }
    // Only now: Yjs gives a doc a new random clientID when a remote update brings structs
    // of its own one, which loading the server's past writes would do.
    this.doc.clientID = SERVER_CLIENT_ID;
    this.rows = stored.updates.length;
    this.bytes = stored.updates.reduce((n, u) => n + u.byteLength, 0);
    this.sequenced = this.parsed.kind === 'room' ? this.doc.getMap('order').size : 0;
    this.bindings = stored.bindings;
    this.bindings.set(SERVER_CLIENT_ID, SERVER_USER);
    this.awareness = new Awareness(this.doc);
    this.awareness.setLocalState(null);

    const watched = this.parsed.kind === 'room' ? 'messages' : 'reads';
    this.doc.getMap(watched).observe((e) => {
      for (const k of e.keysChanged) this.dirtyKeys.add(k);
    });
    if (this.parsed.kind === 'room') {
      this.doc.getMap('receipts').observe((e) => {
        for (const k of e.keysChanged) this.dirtyReceipts.add(k);
      });
    }
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === SERVER_ORIGIN) this.serverUpdates.push(update);
    });
  }

  /** Runs `fn` as a server write; the resulting update is captured for the next commit. */
  serverTransact(fn: () => void): void {
    this.doc.transact(fn, SERVER_ORIGIN);
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}
