import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { newId } from '#shared/ids';
import { deleteMessage, editMessage, markDelivered, messagesMap, orderMap, sendMessage, assignSeq, listMessages } from './ops.ts';
import { messageKey } from './schema.ts';
import { validateAwareness, type Verdict } from './validate.ts';
import { SERVER, T0, TestDevice, TestServer } from './test-helpers.ts';

const A = newId();
const B = newId();

function ok(v: Verdict): Extract<Verdict, { ok: true }> {
  if (!v.ok) throw new Error(`refused: rule ${v.rule}: ${v.reason}`);
  return v;
}
function refused(v: Verdict, rule: number): void {
  expect(v.ok ? 'accepted' : `rule ${v.rule}`, v.ok ? '' : v.reason).toBe(`rule ${rule}`);
}

/** A server with one message of A (sent by device `a`, accepted) and device `b` of B up to date. */
function roomWithMessage() {
  const server = new TestServer();
  const a = new TestDevice(A);
  const b = new TestDevice(B);
  const m = sendMessage(a.doc, { authorId: A, deviceId: a.deviceId, text: 'hello', createdAt: T0 });
  ok(server.receive(A, a.takeOutbox()));
  a.pull(server);
  b.pull(server);
  return { server, a, b, key: messageKey(A, m.id), m };
}

// ── hand-made V1 updates, for what the Yjs API never writes ─────────────────────────
type Content = { any: unknown[] } | { deleted: number } | { string: string };
interface RawItem {
  origin?: [number, number];
  rightOrigin?: [number, number];
  parent?: string | [number, number];
  key?: string;
  content: Content;
}
type RawStructSpec = RawItem | { gc: number } | { skip: number };
function encodeRaw(sections: { client: number; clock: number; structs: RawStructSpec[] }[], ds: [number, [number, number][]][] = []): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, sections.length);
  for (const s of sections) {
    encoding.writeVarUint(e, s.structs.length);
    encoding.writeVarUint(e, s.client);
    encoding.writeVarUint(e, s.clock);
    for (const st of s.structs) {
      if ('gc' in st) {
        encoding.writeUint8(e, 0);
        encoding.writeVarUint(e, st.gc);
        continue;
      }
      if ('skip' in st) {
        encoding.writeUint8(e, 10);
        encoding.writeVarUint(e, st.skip);
        continue;
      }
      const ref = 'any' in st.content ? 8 : 'deleted' in st.content ? 1 : 4;
      const info = ref | (st.origin ? 128 : 0) | (st.rightOrigin ? 64 : 0) | (st.key !== undefined ? 32 : 0);
      encoding.writeUint8(e, info);
      if (st.origin) st.origin.forEach((n) => encoding.writeVarUint(e, n));
      if (st.rightOrigin) st.rightOrigin.forEach((n) => encoding.writeVarUint(e, n));
      if (!st.origin && !st.rightOrigin) {
        if (typeof st.parent === 'string') {
          encoding.writeVarUint(e, 1);
          encoding.writeVarString(e, st.parent);
        } else {
          encoding.writeVarUint(e, 0);
          st.parent!.forEach((n) => encoding.writeVarUint(e, n));
        }
        if (st.key !== undefined) encoding.writeVarString(e, st.key);
      }
      if ('any' in st.content) {
        encoding.writeVarUint(e, st.content.any.length);
        for (const v of st.content.any) encoding.writeAny(e, v as never);
      } else if ('deleted' in st.content) {
        encoding.writeVarUint(e, st.content.deleted);
      } else {
        encoding.writeVarString(e, st.content.string);
      }
    }
  }
  encoding.writeVarUint(e, ds.length);
  for (const [client, ranges] of ds) {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, ranges.length);
    for (const [clock, len] of ranges) {
      encoding.writeVarUint(e, clock);
      encoding.writeVarUint(e, len);
    }
  }
  return encoding.toUint8Array(e);
}

function entry(authorId: string, over: Record<string, unknown> = {}) {
  return { id: newId(), authorId, deviceId: newId(), kind: 'text', text: 'hi', createdAt: T0, ...over };
}

describe('validateUpdate: honest devices', () => {
  it('accepts a send, binds the clientID once and names the new message', () => {
    const server = new TestServer();
    const a = new TestDevice(A);
    const m = sendMessage(a.doc, { authorId: A, deviceId: a.deviceId, text: 'hello', createdAt: T0 });
    const v = ok(server.receive(A, a.takeOutbox()));
    expect(v.newBindings).toEqual([a.doc.clientID]);
    expect(v.newMessages).toEqual([{ key: messageKey(A, m.id), client: a.doc.clientID, clock: 0 }]);
    sendMessage(a.doc, { authorId: A, deviceId: a.deviceId, text: 'again', createdAt: T0 });
    expect(ok(server.receive(A, a.takeOutbox())).newBindings).toEqual([]);
    expect(listMessages(server.doc).map((l) => l.entry.authorId)).toEqual([A, A]);
  });

  it('accepts several sends written offline, naming them in the order they were written', () => {
    const server = new TestServer();
    const a = new TestDevice(A);
    const ids = ['one', 'two', 'three'].map((text) => sendMessage(a.doc, { authorId: A, deviceId: a.deviceId, text, createdAt: T0 }).id);
    const v = ok(server.receive(A, a.diffFor(server)));
    expect(v.newMessages.map((m) => m.key)).toEqual(ids.map((id) => messageKey(A, id)));
  });

  it('accepts an own edit within the window and an own delete', () => {
    const { server, a, key } = roomWithMessage();
    a.outbox = [];
    server.now = T0 + 60_000;
    editMessage(a.doc, key, 'hello, edited', server.now);
    expect(ok(server.receive(A, a.takeOutbox())).newMessages).toEqual([]);
    deleteMessage(a.doc, key, A);
    ok(server.receive(A, a.takeOutbox()));
    expect(messagesMap(server.doc).get(key)).toMatchObject({ deleted: true, deletedBy: A });
  });

  it('accepts receipts overwritten many times, one by one and all at once', () => {
    const { server, b } = roomWithMessage();
    b.outbox = [];
    for (let seq = 1; seq <= 30; seq++) {
      markDelivered(b.doc, B, b.deviceId, seq);
      ok(server.receive(B, b.takeOutbox()));
    }
    for (let seq = 31; seq <= 60; seq++) markDelivered(b.doc, B, b.deviceId, seq);
    ok(server.receive(B, b.diffFor(server)));
    expect(server.doc.getMap('receipts').get(`${B}:${b.deviceId}`)).toEqual({ delivered: 60 });
  });

  it('accepts a message written and edited offline (the first value arrives as deleted content)', () => {
    const server = new TestServer();
    const a = new TestDevice(A);
    const m = sendMessage(a.doc, { authorId: A, deviceId: a.deviceId, text: 'draft', createdAt: T0 });
    editMessage(a.doc, messageKey(A, m.id), 'final', T0 + 1000);
    editMessage(a.doc, messageKey(A, m.id), 'final!', T0 + 2000);
    const v = ok(server.receive(A, a.diffFor(server)));
    expect(v.newMessages).toHaveLength(1);
    expect(messagesMap(server.doc).get(messageKey(A, m.id))).toMatchObject({ text: 'final!' });
  });

  it('accepts edits of one key from two devices of one user, in either clientID order', () => {
    for (const [c1, c2] of [
      [1001, 2002],
      [2002, 1001],
    ] as const) {
      const server = new TestServer();
      const d1 = new TestDevice(A, c1);
      const d2 = new TestDevice(A, c2);
      const m = sendMessage(d1.doc, { authorId: A, deviceId: d1.deviceId, text: 'v0', createdAt: T0 });
      const key = messageKey(A, m.id);
      ok(server.receive(A, d1.takeOutbox()));
      d2.pull(server);
      d2.outbox = [];
      editMessage(d1.doc, key, 'from d1', T0 + 1000);
      editMessage(d2.doc, key, 'from d2', T0 + 2000);
      ok(server.receive(A, d1.takeOutbox()));
      // d2 reconnects: it first receives d1's edit, then answers the server's step 1.
      d2.pull(server);
      ok(server.receive(A, d2.diffFor(server)));
      d1.pull(server);
      expect(messagesMap(d1.doc).get(key)).toEqual(messagesMap(server.doc).get(key));
      expect(messagesMap(d2.doc).get(key)).toEqual(messagesMap(server.doc).get(key));
      // And the incremental update d2 made offline, arriving after d1's: also accepted.
      const server2 = new TestServer();
      const e1 = new TestDevice(A, c1);
      const e2 = new TestDevice(A, c2);
      const m2 = sendMessage(e1.doc, { authorId: A, deviceId: e1.deviceId, text: 'v0', createdAt: T0 });
      ok(server2.receive(A, e1.takeOutbox()));
      e2.pull(server2);
      e2.outbox = [];
      editMessage(e1.doc, messageKey(A, m2.id), 'x', T0 + 1);
      editMessage(e2.doc, messageKey(A, m2.id), 'y', T0 + 2);
      ok(server2.receive(A, e1.takeOutbox()));
      ok(server2.receive(A, e2.takeOutbox()));
    }
  });

  it('accepts two offline edits of a device that then loses or wins against another device', () => {
    for (const [c1, c2] of [
      [1001, 2002],
      [2002, 1001],
    ] as const) {
      const server = new TestServer();
      const d1 = new TestDevice(A, c1);
      const d2 = new TestDevice(A, c2);
      const key = messageKey(A, sendMessage(d1.doc, { authorId: A, deviceId: d1.deviceId, text: 'v0', createdAt: T0 }).id);
      ok(server.receive(A, d1.takeOutbox()));
      d2.pull(server);
      editMessage(d1.doc, key, 'd1', T0 + 1);
      editMessage(d2.doc, key, 'd2 a', T0 + 2);
      editMessage(d2.doc, key, 'd2 b', T0 + 3);
      ok(server.receive(A, d1.takeOutbox()));
      d2.pull(server);
      ok(server.receive(A, d2.diffFor(server)));
      d1.pull(server);
      expect(messagesMap(server.doc).get(key)).toEqual(messagesMap(d1.doc).get(key));
      expect(messagesMap(server.doc).get(key)).toEqual(messagesMap(d2.doc).get(key));
    }
  });

  it('accepts a full-state resend whose structs the server knows in part', () => {
    const server = new TestServer();
    const d = new TestDevice(B);
    for (let seq = 1; seq <= 2; seq++) {
      markDelivered(d.doc, B, d.deviceId, seq);
      ok(server.receive(B, d.takeOutbox()));
    }
    for (let seq = 3; seq <= 6; seq++) markDelivered(d.doc, B, d.deviceId, seq);
    const m = sendMessage(d.doc, { authorId: B, deviceId: d.deviceId, text: 'x', createdAt: T0 });
    editMessage(d.doc, messageKey(B, m.id), 'y', T0 + 1);
    ok(server.receive(B, Y.encodeStateAsUpdate(d.doc)));
    expect(server.doc.getMap('receipts').get(`${B}:${d.deviceId}`)).toEqual({ delivered: 6 });
    expect(messagesMap(server.doc).get(messageKey(B, m.id))).toMatchObject({ text: 'y' });
  });

  it("accepts resyncs that carry other users' items the server already has", () => {
    const { server, a, b } = roomWithMessage();
    sendMessage(b.doc, { authorId: B, deviceId: b.deviceId, text: 'reply', createdAt: T0 });
    markDelivered(b.doc, B, b.deviceId, 1);
    ok(server.receive(B, Y.encodeStateAsUpdate(b.doc))); // full state, A's items included
    ok(server.receive(B, Y.encodeStateAsUpdate(b.doc))); // and again: nothing new
    sendMessage(a.doc, { authorId: A, deviceId: a.deviceId, text: 'more', createdAt: T0 });
    a.pull(server);
    ok(server.receive(A, a.diffFor(server)));
    ok(server.receive(A, Y.encodeStateAsUpdate(a.doc)));
  });

  it('accepts an own edit after the server wrote the seq into `order`', () => {
    const { server, a, key } = roomWithMessage();
    expect(assignSeq(server.doc, key, 1)).toBe(true);
    a.pull(server);
    a.outbox = [];
    editMessage(a.doc, key, 'edited', T0 + 1000);
    ok(server.receive(A, a.takeOutbox()));
    ok(server.receive(A, Y.encodeStateAsUpdate(a.doc)));
    expect(listMessages(server.doc)[0]).toMatchObject({ key, seq: 1 });
  });

  it('accepts the empty update and an owner writing their user document', () => {
    const server = new TestServer('user');
    const d = new TestDevice(A);
    d.doc.getMap('reads').set(`${newId()}:${d.deviceId}`, { read: 3, at: T0 });
    d.doc.getMap('prefs').set(newId(), { muted: true });
    ok(server.receive(A, d.takeOutbox()));
    ok(server.receive(A, new Uint8Array([0, 0])));
  });
});

describe('validateUpdate: attacks', () => {
  it('rule 2: a forged authorId', () => {
    const { server, b } = roomWithMessage();
    const e = entry(A);
    b.doc.getMap('messages').set(`${B}:${e.id}`, e);
    refused(server.receive(B, b.takeOutbox()), 2);
  });

  it("rule 1: another user's key, with or without a matching authorId", () => {
    const { server, b } = roomWithMessage();
    const e = entry(A);
    b.doc.getMap('messages').set(`${A}:${e.id}`, e);
    refused(server.receive(B, b.takeOutbox()), 1);
    const c = new TestDevice(B);
    c.doc.getMap('receipts').set(`${A}:${newId()}`, { delivered: 5 });
    refused(server.receive(B, c.takeOutbox()), 1);
  });

  it("rule 3: deleting another user's entry; rule 1: overwriting it", () => {
    const { server, b, key } = roomWithMessage();
    b.outbox = [];
    b.doc.getMap('messages').delete(key);
    refused(server.receive(B, b.takeOutbox()), 3);
    const c = new TestDevice(B);
    c.pull(server);
    c.outbox = [];
    const current = messagesMap(c.doc).get(key) as object;
    messagesMap(c.doc).set(key, { ...current, text: 'rewritten', editedAt: T0 + 1 });
    refused(server.receive(B, c.takeOutbox()), 1);
  });

  it('rule 1: writing `order`; rule 3: deleting from it', () => {
    const { server, a, key } = roomWithMessage();
    a.outbox = [];
    orderMap(a.doc).set(key, 1);
    refused(server.receive(A, a.takeOutbox()), 1);
    assignSeq(server.doc, key, 1);
    const a2 = new TestDevice(A);
    a2.pull(server);
    a2.outbox = [];
    orderMap(a2.doc).delete(key);
    refused(server.receive(A, a2.takeOutbox()), 3);
  });

  it("rule 4: a clientID bound to another user, or already used without a binding", () => {
    const { server, a } = roomWithMessage();
    const fake = new TestDevice(B);
    fake.pull(server);
    fake.doc.clientID = a.doc.clientID; // after the pull: Yjs changes a clientID it sees used by others
    fake.outbox = [];
    sendMessage(fake.doc, { authorId: B, deviceId: fake.deviceId, text: 'as A', createdAt: T0 });
    refused(server.receive(B, fake.takeOutbox()), 4);
    server.bindings.delete(a.doc.clientID);
    refused(server.receive(B, fake.diffFor(server)), 4);
  });

  it('rule 1: a nested Y type, a foreign root, text content, a right origin, a parent by id', () => {
    const { server } = roomWithMessage();
    const d = new TestDevice(A);
    d.doc.getMap('messages').set(`${A}:${newId()}`, new Y.Map());
    refused(server.receive(A, d.takeOutbox()), 1);
    const f = new TestDevice(A);
    f.doc.getMap('elsewhere').set(`${A}:${newId()}`, entry(A));
    refused(server.receive(A, f.takeOutbox()), 1);
    const t = new TestDevice(A);
    t.doc.getText('receipts').insert(0, 'x');
    refused(server.receive(A, t.takeOutbox()), 1);
    const l = new TestDevice(A);
    l.doc.getArray('messages').insert(0, [entry(A)]);
    refused(server.receive(A, l.takeOutbox()), 1);
    const client = 424242;
    refused(server.receive(A, encodeRaw([{ client, clock: 0, structs: [{ parent: 'messages', key: `${A}:${newId()}`, content: { any: [1] }, rightOrigin: [client, 5] }] }])), 1);
    refused(server.receive(A, encodeRaw([{ client, clock: 0, structs: [{ parent: [client, 5], key: 'x', content: { any: [1] } }] }])), 1);
  });

  it('rule 2: oversize text and oversize update; server-only kinds', () => {
    const server = new TestServer();
    const a = new TestDevice(A);
    sendMessage(a.doc, { authorId: A, deviceId: a.deviceId, text: 'x'.repeat(9000), createdAt: T0 }, { maxTextChars: 10_000 });
    refused(server.receive(A, a.takeOutbox()), 2);
    const small = new TestDevice(A);
    sendMessage(small.doc, { authorId: A, deviceId: small.deviceId, text: 'fine', createdAt: T0 });
    const u = small.takeOutbox();
    refused(server.receive(A, u, { maxUpdateBytes: u.length - 1 }), 2);
    const s = new TestDevice(A);
    sendMessage(s.doc, { authorId: A, deviceId: s.deviceId, kind: 'system', text: 'A joined', createdAt: T0 });
    refused(server.receive(A, s.takeOutbox()), 2);
    const f = new TestDevice(A);
    sendMessage(f.doc, { authorId: A, deviceId: f.deviceId, text: 'from the future', createdAt: T0 + 24 * 3600_000 });
    refused(server.receive(A, f.takeOutbox()), 2);
  });

  it('rule 7: missing dependencies', () => {
    const server = new TestServer();
    const a = new TestDevice(A);
    sendMessage(a.doc, { authorId: A, deviceId: a.deviceId, text: 'first', createdAt: T0 });
    a.takeOutbox(); // lost on the way
    sendMessage(a.doc, { authorId: A, deviceId: a.deviceId, text: 'second', createdAt: T0 });
    refused(server.receive(A, a.takeOutbox()), 7);
    // An origin in another client the server lacks.
    const key = `${A}:${newId()}`;
    refused(server.receive(A, encodeRaw([{ client: 77, clock: 0, structs: [{ origin: [78, 3], content: { any: [entry(A)] } }] }])), 7);
    // A delete of clocks nobody has.
    refused(server.receive(A, encodeRaw([], [[a.doc.clientID, [[0, 50]]]])), 7);
    // Two clients whose structs wait for each other.
    const cyc = encodeRaw([
      { client: 90, clock: 0, structs: [{ origin: [91, 1], content: { any: [entry(A)] } }, { parent: 'messages', key, content: { any: [entry(A)] } }] },
      { client: 91, clock: 0, structs: [{ origin: [90, 1], content: { any: [entry(A)] } }, { parent: 'messages', key, content: { any: [entry(A)] } }] },
    ]);
    refused(server.receive(A, cyc), 7);
    // A gap inside the new part.
    refused(server.receive(A, encodeRaw([{ client: 95, clock: 0, structs: [{ skip: 2 }, { parent: 'messages', key, content: { any: [entry(A)] } }] }])), 7);
  });

  it('rule 8: an edit after the window, an overwrite that is not an edit, a vanished message', () => {
    const { server, a, key } = roomWithMessage();
    a.outbox = [];
    server.now = T0 + 16 * 60_000;
    editMessage(a.doc, key, 'too late', server.now);
    refused(server.receive(A, a.takeOutbox()), 8);
    const a2 = new TestDevice(A);
    a2.pull(server);
    a2.outbox = [];
    const cur = messagesMap(a2.doc).get(key) as Record<string, unknown>;
    messagesMap(a2.doc).set(key, { ...cur, text: 'silent rewrite' }); // no editedAt
    refused(server.receive(A, a2.takeOutbox()), 8);
    const a3 = new TestDevice(A);
    a3.pull(server);
    a3.outbox = [];
    messagesMap(a3.doc).delete(key); // gone without a tombstone
    refused(server.receive(A, a3.takeOutbox()), 8);
    const a4 = new TestDevice(A);
    a4.pull(server);
    deleteMessage(a4.doc, key, A); // ...and the honest way still works
    ok(server.receive(A, a4.diffFor(server)));
  });

  it('rule 8: a write over a tombstone, the author\'s offline edit of a message an admin removed', () => {
    const { server, a, key } = roomWithMessage();
    const a2 = new TestDevice(A);
    a2.pull(server);
    a2.outbox = [];
    deleteMessage(a.doc, key, A);
    a.outbox = [];
    ok(server.receive(A, a.diffFor(server)));
    editMessage(a2.doc, key, 'resurrect', T0 + 1000);
    refused(server.receive(A, a2.takeOutbox()), 8);
    const admin = newId();
    const r = roomWithMessage();
    r.a.outbox = [];
    editMessage(r.a.doc, r.key, 'offline edit', T0 + 1000);
    deleteMessage(r.server.doc, r.key, admin); // the server deletes on an admin's behalf
    refused(r.server.receive(A, r.a.takeOutbox()), 8);
    refused(r.server.receive(A, r.a.diffFor(r.server)), 8);
  });

  it('refuses garbage and V2 bytes, duplicated client sections and GC in the new part (rule 1)', () => {
    const { server, a } = roomWithMessage();
    refused(server.receive(A, new Uint8Array([1, 2, 3, 4, 5, 250, 251])), 1);
    refused(server.receive(A, new Uint8Array([7])), 1);
    refused(server.receive(A, new Uint8Array(0)), 1);
    sendMessage(a.doc, { authorId: A, deviceId: a.deviceId, text: 'v2', createdAt: T0 });
    refused(server.receive(A, Y.encodeStateAsUpdateV2(a.doc, Y.encodeStateVector(server.doc))), 1);
    const key = `${A}:${newId()}`;
    const section = { client: 500, clock: 0, structs: [{ parent: 'messages', key, content: { any: [entry(A)] } }] };
    refused(server.receive(A, encodeRaw([section, section])), 1);
    refused(server.receive(A, encodeRaw([{ client: 501, clock: 0, structs: [{ gc: 3 }] }])), 1);
    for (let i = 0; i < 300; i++) {
      const junk = new Uint8Array(1 + (i % 40)).map(() => Math.floor(Math.random() * 256));
      const v = server.receive(A, junk);
      if (v.ok) expect(v.newMessages).toEqual([]);
    }
  });
});

describe('validateUpdate: user documents', () => {
  it('refuses room roots, malformed keys and values in a user document', () => {
    const server = new TestServer('user');
    const d = new TestDevice(A);
    sendMessage(d.doc, { authorId: A, deviceId: d.deviceId, text: 'not here', createdAt: T0 });
    refused(server.receive(A, d.takeOutbox()), 1);
    const r = new TestDevice(A);
    r.doc.getMap('reads').set('not-a-key', { read: 1, at: T0 });
    refused(server.receive(A, r.takeOutbox()), 1);
    const v = new TestDevice(A);
    v.doc.getMap('reads').set(`${newId()}:${v.deviceId}`, { read: -1, at: T0 });
    refused(server.receive(A, v.takeOutbox()), 2);
  });
});

describe('validateAwareness (rule 6)', () => {
  it('accepts own states, the empty state without relaying it, and refuses other users', () => {
    expect(validateAwareness({}, A)).toEqual({ ok: true, relay: false });
    expect(validateAwareness({ user: { id: A, name: 'Ann' }, deviceId: newId(), typing: true }, A)).toEqual({ ok: true, relay: true });
    expect(validateAwareness({ user: { id: B, name: 'Ann' }, deviceId: newId(), typing: true }, A).ok).toBe(false);
    expect(validateAwareness({ user: { id: A, name: 'Ann' }, deviceId: newId(), typing: 'yes' }, A).ok).toBe(false);
    expect(validateAwareness('nope', A).ok).toBe(false);
  });
});

describe('validateUpdate: random honest traffic', () => {
  it('accepts everything three users do and converges', () => {
    let seed = 12345;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const server = new TestServer();
    const users = [A, B, newId()];
    const devices = users.map((u) => new TestDevice(u));
    const online = devices.map(() => true);
    for (let step = 0; step < 600; step++) {
      const i = rnd(3);
      const d = devices[i]!;
      server.now = T0 + step * 1000;
      const mine = listMessages(d.doc).filter((l) => l.entry.authorId === d.userId && l.entry.deleted !== true);
      const op = rnd(10);
      if (op < 4) sendMessage(d.doc, { authorId: d.userId, deviceId: d.deviceId, text: `m${step}`, createdAt: server.now });
      else if (op < 6 && mine.length > 0) {
        const target = mine[rnd(mine.length)]!;
        if (server.now - target.entry.createdAt < 10 * 60_000) editMessage(d.doc, target.key, `e${step}`, server.now);
      } else if (op < 7 && mine.length > 0) deleteMessage(d.doc, mine[rnd(mine.length)]!.key, d.userId);
      else if (op < 8) markDelivered(d.doc, d.userId, d.deviceId, step);
      else if (op < 9) online[i] = !online[i];
      if (online[i]) {
        if (rnd(2) === 0) {
          ok(server.receive(d.userId, d.takeOutbox()));
        } else {
          d.outbox = [];
          ok(server.receive(d.userId, d.diffFor(server)));
        }
        d.pull(server);
        for (const l of listMessages(server.doc)) if (l.seq === null) assignSeq(server.doc, l.key, Math.max(0, ...listMessages(server.doc).map((x) => x.seq ?? 0)) + 1);
        d.pull(server);
      }
    }
    for (const d of devices) {
      ok(server.receive(d.userId, d.diffFor(server)));
    }
    for (const d of devices) d.pull(server);
    // Roots the server only received are untyped until read as maps: read them all as maps.
    const state = (doc: Y.Doc) => canonical(Object.fromEntries(['messages', 'order', 'receipts'].map((r) => [r, doc.getMap(r).toJSON()])));
    for (const d of devices) expect(state(d.doc)).toBe(state(server.doc));
    expect(listMessages(server.doc).length).toBeGreaterThan(50);
  });
});

/** JSON with sorted keys: map iteration order differs between replicas. */
function canonical(v: unknown): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

void SERVER;
