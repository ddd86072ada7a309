/**
 * Write authorisation (DESIGN §5) over real sockets: every rule is attacked with a crafted
 * update (on `/sync`, and some on the plain `/sync/<docName>`), and each refusal is checked
 * to have changed nothing for anyone — in memory, at another member's socket, and in
 * SQLite after a restart. Honest resyncs carrying others' items are accepted, a refused
 * socket keeps working, and a socket that keeps offending is closed with 4005.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { roomDocName } from '#shared/room-doc/names';
import { deleteMessage, messagesMap, orderMap, sendMessage } from '#shared/room-doc/ops';
import { messageKey } from '#shared/room-doc/schema';
import { CloseCode } from '#shared/protocol/close-codes';
import { SyncType, encodeAwarenessMessage, encodeSyncMessage } from '#shared/protocol/frames';
import * as awarenessProtocol from 'y-protocols/awareness';
import { RawSocket, sleep, waitFor } from './helpers/sync.ts';
import { Observer, roundTrip } from './helpers/observer.ts';
import { Forger, freshClientId, messageEntry } from './helpers/forge.ts';
import {
  World,
  expectNothingChanged,
  restMessages,
  sendAccepted,
  sendDenied,
  sendRefused,
  updateMessage,
  type Member,
} from './helpers/rules-world.ts';

const MAX_UPDATE_BYTES = 16 * 1024;
let world: World;
let alice: Member, bob: Member, dave: Member, carol: Member, erin: Member;
let roomId: string, name: string;
let dmId: string, dmName: string;
/** A message of Bob's, written from his device's clientID. */
let bobKey: string;
const BOB_CLIENT = freshClientId();

beforeAll(async () => {
  world = await World.start({ MAX_UPDATE_KB: String(MAX_UPDATE_BYTES / 1024), EDIT_WINDOW_S: '1', MESSAGE_RATE_PER_MIN: '100000' });
  alice = await world.member('alice');
  bob = await world.member('bob');
  dave = await world.member('dave');
  carol = await world.member('carol'); // in no room of theirs
  erin = await world.member('erin');
  const room = await alice.api.post('/api/rooms', { name: 'Rules', memberIds: [bob.id, dave.id], visibility: 'private' });
  roomId = room.body.room.id;
  name = roomDocName(roomId, 0);
  const dm = await alice.api.post('/api/rooms/dm', { userId: erin.id });
  dmId = dm.body.room.id;
  dmName = roomDocName(dmId, 0);
  expect((await erin.api.post('/api/blocks', { userId: alice.id })).status).toBe(201);

  const bobDevice = new Forger(world.serverDoc(name), BOB_CLIENT);
  let key = '';
  const u = bobDevice.capture((doc) => {
    const e = sendMessage(doc, { authorId: bob.id, deviceId: 'bob-phone', text: 'bob was here' });
    key = messageKey(bob.id, e.id);
  });
  await sendAccepted(world, bob, name, u);
  bobKey = key;
  expect(orderMap(world.serverDoc(name)).get(bobKey)).toBeGreaterThan(0);
});
afterAll(() => world?.stop());

/** Alice's device, starting from what the server has, under a clientID of her own. */
const aliceDevice = () => new Forger(world.serverDoc(name), freshClientId());

describe('each rule of DESIGN §5 refuses a crafted update on /sync, and nothing changes for anyone', () => {
  it('rule 2: a forged authorId under one’s own key', async () => {
    const { key, entry } = messageEntry(alice.id, 'I am bob', {});
    const u = aliceDevice().capture((doc) => messagesMap(doc).set(key, { ...entry, authorId: bob.id }));
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave, absentKeys: [key],
      send: () => sendRefused(world, alice, name, [updateMessage(u)], 'rejected', /^rule 2: authorId of .* is not the connection's user$/).then(() => {}),
    });
  });

  it('rule 1: another user’s key — and the whole update is refused, its honest part too', async () => {
    const own = messageEntry(alice.id, 'an honest line');
    const forged = messageEntry(bob.id, 'words put in bob’s mouth');
    const u = aliceDevice().capture((doc) => {
      messagesMap(doc).set(own.key, own.entry);
      messagesMap(doc).set(forged.key, forged.entry);
    });
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave, absentKeys: [own.key, forged.key],
      send: () => sendRefused(world, alice, name, [updateMessage(u)], 'rejected', /^rule 1: message key .* belongs to another user$/).then(() => {}),
    });
  });

  it('rule 3: deleting another user’s entry', async () => {
    const u = aliceDevice().capture((doc) => messagesMap(doc).delete(bobKey));
    expect(Y.decodeUpdate(u).structs).toHaveLength(0); // a pure delete set
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave,
      send: () => sendRefused(world, alice, name, [updateMessage(u)], 'rejected', /^rule 3: deletes messages entry .* of another user$/).then(() => {}),
    });
    expect(messagesMap(world.serverDoc(name)).get(bobKey)).toMatchObject({ text: 'bob was here' });
  });

  it('rule 1: overwriting another user’s entry', async () => {
    const device = aliceDevice();
    const current = messagesMap(device.doc).get(bobKey) as Record<string, unknown>;
    const u = device.capture((doc) => messagesMap(doc).set(bobKey, { ...current, text: 'bob recants', editedAt: Date.now() }));
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave,
      send: () => sendRefused(world, alice, name, [updateMessage(u)], 'rejected', /^rule 1: message key .* belongs to another user$/).then(() => {}),
    });
    expect(messagesMap(world.serverDoc(name)).get(bobKey)).toMatchObject({ text: 'bob was here' });
  });

  it('rule 1: writing to `order`', async () => {
    const before = orderMap(world.serverDoc(name)).get(bobKey);
    const u = aliceDevice().capture((doc) => orderMap(doc).set(bobKey, 999_999));
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave,
      send: () => sendRefused(world, alice, name, [updateMessage(u)], 'rejected', /^rule 1: `order` is written by the server alone$/).then(() => {}),
    });
    expect(orderMap(world.serverDoc(name)).get(bobKey)).toBe(before);
  });

  it('rule 4: a clientID first used by Bob, then by Alice', async () => {
    // Alice's device claims Bob's clientID and continues his clock, under her own key.
    const device = new Forger(world.serverDoc(name), BOB_CLIENT);
    const mine = messageEntry(alice.id, 'in bob’s clock space');
    const u = device.capture((doc) => messagesMap(doc).set(mine.key, mine.entry));
    expect(Y.decodeUpdate(u).structs[0]!.id).toMatchObject({ client: BOB_CLIENT });
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave, absentKeys: [mine.key],
      send: () => sendRefused(world, alice, name, [updateMessage(u)], 'rejected', new RegExp(`^rule 4: clientID ${BOB_CLIENT} is bound to another user$`)).then(() => {}),
    });
  });

  it('rule 1: a nested Y type', async () => {
    const { key, entry } = messageEntry(alice.id, 'nested');
    const u = aliceDevice().capture((doc) => messagesMap(doc).set(key, new Y.Map(Object.entries(entry))));
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave, absentKeys: [key],
      send: () => sendRefused(world, alice, name, [updateMessage(u)], 'rejected', /^rule 1: malformed update: content Type is not a JSON value$/).then(() => {}),
    });
  });

  it('rule 2: a text over MAX_TEXT_CHARS (8000)', async () => {
    const { key, entry } = messageEntry(alice.id, 'x'.repeat(8001));
    const u = aliceDevice().capture((doc) => messagesMap(doc).set(key, entry));
    expect(u.byteLength).toBeLessThan(MAX_UPDATE_BYTES); // judged by its text, not its size
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave, absentKeys: [key],
      send: () => sendRefused(world, alice, name, [updateMessage(u)], 'rejected', /^rule 2: bad message .*: text /).then(() => {}),
    });
  });

  it('rule 2: an update over MAX_UPDATE_KB, made of valid messages', async () => {
    const { update, keys } = oversizeUpdate(aliceDevice(), alice.id);
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave, absentKeys: keys,
      send: () => sendRefused(world, alice, name, [updateMessage(update)], 'too_large', new RegExp(`^Update larger than ${MAX_UPDATE_BYTES} bytes$`)).then(() => {}),
    });
  });

  it('rule 7: missing dependencies (a clock gap, a delete of unknown items)', async () => {
    const device = aliceDevice();
    const first = messageEntry(alice.id, 'first');
    const second = messageEntry(alice.id, 'second');
    device.capture((doc) => messagesMap(doc).set(first.key, first.entry));
    const gap = device.capture((doc) => messagesMap(doc).set(second.key, second.entry));
    const unknownDelete = device.capture((doc) => messagesMap(doc).delete(first.key));
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave, absentKeys: [first.key, second.key],
      send: async () => {
        const raw = await sendRefused(world, alice, name, [updateMessage(gap), updateMessage(unknownDelete)], 'rejected', /^rule 7: /);
        expect(raw.errors().map((e) => (e as { detail: string }).detail)).toEqual([
          `rule 7: client ${device.doc.clientID} starts at 1, the server has 0`,
          `rule 7: deletes ${device.doc.clientID}:0+1, which the server lacks`,
        ]);
      },
    });
  });

  it('rule 5: a non-member’s update', async () => {
    const { key, entry } = messageEntry(carol.id, 'let me in');
    const u = new Forger(undefined, freshClientId()).capture((doc) => messagesMap(doc).set(key, entry));
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave, absentKeys: [key],
      send: () => sendRefused(world, carol, name, [updateMessage(u)], 'forbidden', /^Not a member of this room$/).then(() => {}),
    });
  });

  it('rule 5: an update into a DM with someone who blocked you is undeliverable, neutrally', async () => {
    const { key, entry } = messageEntry(alice.id, 'hello erin?');
    const u = new Forger(world.serverDoc(dmName), freshClientId()).capture((doc) => messagesMap(doc).set(key, entry));
    await expectNothingChanged({
      world, doc: dmName, roomId: dmId, observer: erin, prober: erin, absentKeys: [key],
      send: async () => {
        const raw = await sendRefused(world, alice, dmName, [updateMessage(u)], 'undeliverable', /^This message could not be delivered$/);
        expect(JSON.stringify(raw.errors())).not.toMatch(/block/i);
      },
    });
  });

  it('rule 8: an edit after the edit window (EDIT_WINDOW_S=1)', async () => {
    const device = aliceDevice();
    const { key, entry } = messageEntry(alice.id, 'typo');
    await sendAccepted(world, alice, name, device.capture((doc) => messagesMap(doc).set(key, entry)));
    await sleep(1300);
    const u = device.capture((doc) => messagesMap(doc).set(key, { ...entry, text: 'fixed', editedAt: Date.now() }));
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave,
      send: () => sendRefused(world, alice, name, [updateMessage(u)], 'rejected', new RegExp(`^rule 8: edit of ${key} after the edit window$`)).then(() => {}),
    });
    expect(messagesMap(world.serverDoc(name)).get(key)).toEqual(entry);
  });

  it('rule 8: a write over one’s own tombstone', async () => {
    const device = aliceDevice();
    const { key, entry } = messageEntry(alice.id, 'regret');
    await sendAccepted(world, alice, name, device.capture((doc) => messagesMap(doc).set(key, entry)));
    await sendAccepted(world, alice, name, device.capture((doc) => deleteMessage(doc, key, alice.id)));
    const u = device.capture((doc) => messagesMap(doc).set(key, { ...entry, text: 'un-regret' }));
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave,
      send: () => sendRefused(world, alice, name, [updateMessage(u)], 'rejected', /^rule 8: write to .*: the message is deleted \(a tombstone is final\)$/).then(() => {}),
    });
    expect(messagesMap(world.serverDoc(name)).get(key)).toMatchObject({ deleted: true, deletedBy: alice.id });
  });

  it('rule 8: an offline edit of a message an admin removed meanwhile', async () => {
    const bobPhone = new Forger(world.serverDoc(name), freshClientId());
    const { key, id, entry } = messageEntry(bob.id, 'something regrettable');
    await sendAccepted(world, bob, name, bobPhone.capture((doc) => messagesMap(doc).set(key, entry)));
    // Bob's phone goes offline; Alice (the owner) removes the message over REST.
    expect((await alice.api.delete(`/api/rooms/${roomId}/messages/${id}`)).status).toBe(204);
    const edit = bobPhone.capture((doc) => messagesMap(doc).set(key, { ...entry, text: 'something nice', editedAt: Date.now() }));
    await expectNothingChanged({
      world, doc: name, roomId, observer: dave, prober: dave,
      send: () => sendRefused(world, bob, name, [updateMessage(edit)], 'rejected', /^rule 8: write to .*tombstone is final/).then(() => {}),
    });
    expect(messagesMap(world.serverDoc(name)).get(key)).toMatchObject({ deleted: true, deletedBy: alice.id });
    const rest = (await restMessages(dave.api, roomId)).find((m) => m.id === id);
    expect(rest).toMatchObject({ id, deleted: true });
  });

  it('rule 6: awareness naming another user is refused and not relayed', async () => {
    const forged = awarenessUpdate(freshClientId(), { user: { id: bob.id, name: 'Bob' }, deviceId: 'dev-x', typing: true });
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave,
      send: async () => {
        const raw = await RawSocket.connect(world.url, alice.token);
        raw.subscribe(name);
        await waitFor(() => raw.frames.some((f) => f.docName === name), 5000, 'alice subscribed');
        raw.send(name, encodeAwarenessMessage(forged));
        await waitFor(() => raw.errors().length > 0, 5000, 'refusal');
        expect(raw.errors()).toEqual([{ type: 'error', code: 'rejected', doc: name, detail: 'rule 6: awareness state names another user' }]);
        // Not kept either: a newcomer is sent no awareness state on subscribe.
        const late = await Observer.open(world.url, dave.token, name);
        await roundTrip(late.raw);
        expect(late.messages.filter((m) => m.kind === 'awareness')).toEqual([]);
        late.close();
      },
    });
  });
});

describe('the plain endpoint /sync/<docName> answers refusals with permission-denied and stays open', () => {
  it('rule 2: a forged authorId', async () => {
    const { key, entry } = messageEntry(alice.id, 'I am bob');
    const u = aliceDevice().capture((doc) => messagesMap(doc).set(key, { ...entry, authorId: bob.id }));
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave, absentKeys: [key],
      send: () => sendDenied(world, alice, name, [updateMessage(u)], /^rule 2: authorId of .* is not the connection's user$/).then(() => {}),
    });
  });

  it('rule 3: deleting another user’s entry', async () => {
    const u = aliceDevice().capture((doc) => messagesMap(doc).delete(bobKey));
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave,
      send: () => sendDenied(world, alice, name, [updateMessage(u)], /^rule 3: /).then(() => {}),
    });
  });

  it('rule 4: a clientID bound to another user', async () => {
    const mine = messageEntry(alice.id, 'borrowed clock');
    const u = new Forger(world.serverDoc(name), BOB_CLIENT).capture((doc) => messagesMap(doc).set(mine.key, mine.entry));
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave, absentKeys: [mine.key],
      send: () => sendDenied(world, alice, name, [updateMessage(u)], /^rule 4: /).then(() => {}),
    });
  });

  it('an update over MAX_UPDATE_KB', async () => {
    const { update, keys } = oversizeUpdate(aliceDevice(), alice.id);
    await expectNothingChanged({
      world, doc: name, roomId, observer: bob, prober: dave, absentKeys: keys,
      send: () => sendDenied(world, alice, name, [updateMessage(update)], /^Update larger than /).then(() => {}),
    });
  });

  it('keeps working after a refusal: a valid update on the same socket is accepted', async () => {
    const bad = aliceDevice().capture((doc) => orderMap(doc).set(bobKey, 1));
    const s = await sendDenied(world, alice, name, [updateMessage(bad)], /^rule 1: /);
    const obs = await Observer.open(world.url, bob.token, name);
    const good = messageEntry(alice.id, 'after a refusal');
    s.sendUpdate(aliceDevice().capture((doc) => messagesMap(doc).set(good.key, good.entry)));
    await waitFor(() => orderMap(obs.replica).has(good.key), 5000, 'the good update at bob');
    await s.roundTrip();
    expect(s.denials()).toHaveLength(1);
    s.close();
    obs.close();
  });
});

describe('what an honest device does is accepted', () => {
  it('a resync after being offline carries other users’ items and the device’s new messages; all are accepted', async () => {
    // Bob writes and deletes one of his messages; Dave posts over REST; Alice's device holds all of it.
    const bobPhone = new Forger(world.serverDoc(name), freshClientId());
    const b1 = messageEntry(bob.id, 'b1');
    const b2 = messageEntry(bob.id, 'b2');
    await sendAccepted(world, bob, name, bobPhone.capture((doc) => {
      messagesMap(doc).set(b1.key, b1.entry);
      messagesMap(doc).set(b2.key, b2.entry);
    }));
    await sendAccepted(world, bob, name, bobPhone.capture((doc) => deleteMessage(doc, b2.key, bob.id)));
    expect((await dave.api.post(`/api/rooms/${roomId}/messages`, { text: 'dave says hi' })).status).toBe(201);
    const laptop = aliceDevice();
    // Offline: Alice writes two messages; meanwhile Bob writes one she hasn't seen.
    const a1 = messageEntry(alice.id, 'offline one', { createdAt: Date.now() - 1000 });
    const a2 = messageEntry(alice.id, 'offline two');
    laptop.capture((doc) => {
      messagesMap(doc).set(a1.key, a1.entry);
      messagesMap(doc).set(a2.key, a2.entry);
    });
    const b3 = messageEntry(bob.id, 'b3 while alice was away');
    await sendAccepted(world, bob, name, bobPhone.capture((doc) => messagesMap(doc).set(b3.key, b3.entry)));

    const obs = await Observer.open(world.url, bob.token, name);
    const raw = await RawSocket.connect(world.url, alice.token);
    raw.subscribe(name, Y.encodeStateVector(laptop.doc));
    // Her whole state as step 2: Bob's and Dave's items, the server's `order`, the delete set.
    const full = Y.encodeStateAsUpdate(laptop.doc);
    const clients = new Set(Y.decodeUpdate(full).structs.map((s) => s.id.client));
    expect(clients.has(bobPhone.doc.clientID) && clients.has(1) && clients.has(BOB_CLIENT)).toBe(true);
    raw.send(name, encodeSyncMessage(SyncType.step2, full));
    await waitFor(() => raw.controls.some((c) => c.type === 'ack' && c.doc === name), 5000, 'ack');
    expect(raw.errors()).toEqual([]);
    await waitFor(() => orderMap(obs.replica).has(a1.key) && orderMap(obs.replica).has(a2.key), 5000, 'alice’s messages at bob');
    const seq = (k: string) => orderMap(obs.replica).get(k) as number;
    expect(seq(a2.key)).toBe(seq(a1.key) + 1); // written order kept
    expect(messagesMap(obs.replica).get(a1.key)).toEqual(a1.entry);
    expect(messagesMap(obs.replica).get(b2.key)).toMatchObject({ deleted: true });
    expect(messagesMap(obs.replica).get(b3.key)).toEqual(b3.entry);
    raw.close();
    obs.close();
    await world.restart();
    const ids = (await restMessages(bob.api, roomId)).map((m) => m.id);
    expect(ids.slice(-2)).toEqual([a1.id, a2.id]);
  });
});

describe('a refused socket', () => {
  it('is not poisoned: a valid update with a fresh clientID on the same socket is accepted', async () => {
    const forged = messageEntry(bob.id, 'forged');
    const raw = await sendRefused(world, alice, name, [updateMessage(aliceDevice().capture((doc) => messagesMap(doc).set(forged.key, forged.entry)))], 'rejected', /^rule 1: /);
    const good = messageEntry(alice.id, 'still here');
    raw.sendUpdate(name, aliceDevice().capture((doc) => messagesMap(doc).set(good.key, good.entry)));
    await waitFor(() => raw.controls.some((c) => c.type === 'ack' && c.doc === name), 5000, 'ack');
    expect(raw.errors()).toHaveLength(1);
    expect(orderMap(world.serverDoc(name)).get(good.key)).toBeGreaterThan(0);
    expect(messagesMap(world.serverDoc(name)).has(forged.key)).toBe(false);
    raw.close();
  });

  it('is closed with 4005 when it keeps offending, and none of its offences is applied', async () => {
    const raw = await RawSocket.connect(world.url, alice.token);
    const before = Y.encodeStateAsUpdate(world.serverDoc(name));
    const keys: string[] = [];
    for (let i = 0; i < 40 && !raw.closed; i++) {
      const forged = messageEntry(bob.id, `forged ${i}`);
      keys.push(forged.key);
      raw.sendUpdate(name, aliceDevice().capture((doc) => messagesMap(doc).set(forged.key, forged.entry)));
      await sleep(5);
    }
    expect(await raw.waitClosed()).toEqual({ code: CloseCode.tooManyErrors, reason: 'too-many-errors' });
    expect(raw.errors().length).toBeGreaterThanOrEqual(10);
    expect(raw.errors().every((e) => e.code === 'rejected')).toBe(true);
    expect(Buffer.from(Y.encodeStateAsUpdate(world.serverDoc(name))).equals(Buffer.from(before))).toBe(true);
    for (const k of keys) expect(messagesMap(world.serverDoc(name)).has(k)).toBe(false);
  });
});

/** Valid messages of `authorId`, enough to pass MAX_UPDATE_BYTES but still fit one frame. */
function oversizeUpdate(device: Forger, authorId: string): { update: Uint8Array; keys: string[] } {
  // Find how many messages it takes on a scratch copy, then write them on the device.
  const scratch = new Y.Doc();
  const entries: ReturnType<typeof messageEntry>[] = [];
  while (Y.encodeStateAsUpdate(scratch).byteLength <= MAX_UPDATE_BYTES) {
    const m = messageEntry(authorId, 'y'.repeat(400));
    messagesMap(scratch).set(m.key, m.entry);
    entries.push(m);
  }
  const update = device.capture((doc) => {
    for (const m of entries) messagesMap(doc).set(m.key, m.entry);
  });
  expect(update.byteLength).toBeGreaterThan(MAX_UPDATE_BYTES);
  expect(update.byteLength).toBeLessThan(MAX_UPDATE_BYTES + 900); // under the frame limit (+1 KiB)
  return { update, keys: entries.map((m) => m.key) };
}

/** An awareness update with one state under `clientId`. */
function awarenessUpdate(clientId: number, state: unknown): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const a = new awarenessProtocol.Awareness(doc);
  a.setLocalState(state as Record<string, unknown>);
  const u = awarenessProtocol.encodeAwarenessUpdate(a, [clientId]);
  a.destroy();
  return u;
}
