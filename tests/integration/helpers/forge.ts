/**
 * Crafting updates for write-authorisation tests: a replica of the server's document under
 * a chosen clientID, whose local changes are captured as the V1 update a device would send,
 * and what an update or a document holds (for "nothing changed" checks).
 */
import * as Y from 'yjs';
import { newId } from '#shared/ids';
import { toBase64 } from '#shared/protocol/frames';
import { messageKey } from '#shared/room-doc/schema';

/** A device-side copy of a document, used to make updates the server will judge. */
export class Forger {
  readonly doc = new Y.Doc();

  /** `from`: the server's document (or any doc) to start from; `clientID`: who the device claims to be. */
  constructor(from?: Y.Doc, clientID?: number) {
    if (from) Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(from), 'remote');
    if (clientID !== undefined) this.doc.clientID = clientID;
  }

  /** Runs `fn` in one transaction and returns exactly the update it produced. */
  capture(fn: (doc: Y.Doc) => void): Uint8Array {
    const updates: Uint8Array[] = [];
    const onUpdate = (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') updates.push(u);
    };
    this.doc.on('update', onUpdate);
    try {
      this.doc.transact(() => fn(this.doc));
    } finally {
      this.doc.off('update', onUpdate);
    }
    if (updates.length !== 1) throw new Error(`expected one update, got ${updates.length}`);
    return updates[0]!;
  }

  /** Takes in what the server has since (an honest device's catch-up). */
  pull(from: Y.Doc): void {
    Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(from, Y.encodeStateVector(this.doc)), 'remote');
  }
}

/** A fresh, plausible Yjs clientID (never the server's own, 1). */
export function freshClientId(): number {
  return 1000 + Math.floor(Math.random() * 2 ** 30);
}

/** A well-formed live message entry, with its key. */
export function messageEntry(authorId: string, text: string, over: Record<string, unknown> = {}) {
  const id = newId();
  const entry = { id, authorId, deviceId: 'dev-test', kind: 'text', text, createdAt: Date.now(), ...over };
  return { key: messageKey(authorId, id), id, entry };
}

/** Clients that add structs in `update`, and the clients its delete set names. */
export function describeUpdate(update: Uint8Array): { structClients: number[]; deleteClients: number[] } {
  const { structs, ds } = Y.decodeUpdate(update);
  return {
    structClients: [...new Set(structs.map((s) => s.id.client))].sort((a, b) => a - b),
    deleteClients: [...ds.clients.keys()].sort((a, b) => a - b),
  };
}

/** The JSON content of a room or user document's roots (an empty root holds nothing: left out). */
export function contentOf(doc: Y.Doc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const root of ['messages', 'order', 'receipts', 'reads', 'prefs']) {
    if (doc.share.has(root) && doc.getMap(root).size > 0) out[root] = doc.getMap(root).toJSON();
  }
  return out;
}

/**
 * What a document holds, independent of how its structs happen to be split in memory: the
 * state vector and delete set (a Yjs snapshot, canonical) and the JSON content of its roots.
 */
export function fingerprint(doc: Y.Doc): { snapshot: string; content: Record<string, unknown> } {
  return { snapshot: toBase64(Y.encodeSnapshot(Y.snapshot(doc))), content: contentOf(doc) };
}
