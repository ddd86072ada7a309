/**
 * Helpers for the room-doc unit tests: a server document that validates every update
 * the way the hub does (validate, then apply only when ok, then bind), and devices that
 * collect their own updates while offline.
 */
import * as Y from 'yjs';
import { newId } from '#shared/ids';
import { validateUpdate, type ValidationContext, type Verdict } from './validate.ts';

export const SERVER = 'server';
export const T0 = Date.UTC(2026, 0, 1, 11, 0, 0);

/** A server-side document with its clientID bindings (its own clientID bound to the server). */
export class TestServer {
  readonly doc = new Y.Doc();
  readonly bindings = new Map<number, string>();
  now = T0;
  constructor(readonly docKind: 'room' | 'user' = 'room') {
    this.bindings.set(this.doc.clientID, SERVER);
  }

  ctx(userId: string, over: Partial<ValidationContext> = {}): ValidationContext {
    return { userId, docKind: this.docKind, now: this.now, editWindowMs: 15 * 60_000, maxTextChars: 8000, maxUpdateBytes: 1024 * 1024, bindings: this.bindings, ...over };
  }

  /** Validates as `userId`; applies and binds only when ok. Asserts nothing changed otherwise. */
  receive(userId: string, update: Uint8Array, over: Partial<ValidationContext> = {}): Verdict {
    const before = Y.encodeStateAsUpdate(this.doc);
    const verdict = validateUpdate(this.doc, update, this.ctx(userId, over));
    const after = Y.encodeStateAsUpdate(this.doc);
    if (!equalBytes(before, after)) throw new Error('validateUpdate changed the document');
    if (verdict.ok) {
      Y.applyUpdate(this.doc, update, 'client');
      for (const c of verdict.newBindings) this.bindings.set(c, userId);
      if (this.doc.store.pendingStructs || this.doc.store.pendingDs) throw new Error('an accepted update left something pending');
    }
    return verdict;
  }

  snapshot(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }
}

/** A device: its own Y.Doc, and the updates it made since it last flushed them. */
export class TestDevice {
  readonly doc = new Y.Doc();
  readonly deviceId = newId();
  outbox: Uint8Array[] = [];
  constructor(readonly userId: string, clientID?: number) {
    if (clientID !== undefined) this.doc.clientID = clientID;
    this.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'server') this.outbox.push(u);
    });
  }

  /** Applies what the server has that this device doesn't (its sync step 2). */
  pull(server: TestServer): void {
    Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(server.doc, Y.encodeStateVector(this.doc)), 'server');
  }

  /** What a resync sends: the diff against the server's state vector, with the whole delete set. */
  diffFor(server: TestServer): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(server.doc));
  }

  /** The pending updates merged into one (as an outbox flush would send them). */
  takeOutbox(): Uint8Array {
    const u = Y.mergeUpdates(this.outbox);
    this.outbox = [];
    return u;
  }
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
