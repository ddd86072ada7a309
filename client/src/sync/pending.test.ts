import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { assignSeq, deleteMessage, getMessage, messagesMap, sendMessage } from '#shared/room-doc/ops';
import { messageKey, type MessageEntry } from '#shared/room-doc/schema';
import { newId } from '#shared/ids';
import { copyEntries, maxSeq, ownPendingEntries, refusedEntries } from './pending.ts';
import { sortKeyAfterSeq, sortKeyOf } from '../storage/sort-key.ts';

const ANN = newId();
const BEN = newId();

/** A device's copy and the server's, synced both ways as a connection would. */
function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

const keyOf = (e: { authorId: string; id: string }) => messageKey(e.authorId, e.id);
const textOf = (e: MessageEntry | null | undefined) => (e && 'text' in e ? e.text : undefined);
const clientsOf = (update: Uint8Array) => new Set(Y.decodeUpdate(update).structs.map((s) => s.id.client));

describe('ownPendingEntries', () => {
  it('takes the user’s own unsequenced live messages, oldest first, and nothing else', () => {
    const doc = new Y.Doc();
    const later = sendMessage(doc, { authorId: ANN, deviceId: 'd', text: 'later', createdAt: 2_000 });
    const earlier = sendMessage(doc, { authorId: ANN, deviceId: 'd', text: 'earlier', createdAt: 1_000 });
    const sent = sendMessage(doc, { authorId: ANN, deviceId: 'd', text: 'already sent', createdAt: 500 });
    assignSeq(doc, keyOf(sent), 1);
    const gone = sendMessage(doc, { authorId: ANN, deviceId: 'd', text: 'deleted before sending', createdAt: 700 });
    deleteMessage(doc, keyOf(gone), ANN);
    sendMessage(doc, { authorId: BEN, deviceId: 'e', text: 'someone else’s', createdAt: 800 });
    // A malformed value under an own key is not carried anywhere.
    doc.getMap('messages').set(`${ANN}:${newId()}`, { text: 'garbage' });

    expect(ownPendingEntries(doc, ANN).map((p) => textOf(p.entry))).toEqual(['earlier', 'later']);
    expect(ownPendingEntries(doc, ANN).map((p) => p.key)).toEqual([keyOf(earlier), keyOf(later)]);
    expect(ownPendingEntries(doc, BEN).map((p) => textOf(p.entry))).toEqual(['someone else’s']);
  });
});

describe('moving pending entries out of a sealed epoch (DESIGN §3)', () => {
  it('moves only what the server never took, same keys and values, exactly once', () => {
    const server0 = new Y.Doc(); // the sealed epoch, as the server has it
    const device0 = new Y.Doc();
    sync(device0, server0);
    // Sent while online; the server sequenced it but the device went offline before hearing so.
    const took = sendMessage(device0, { authorId: ANN, deviceId: 'd', text: 'made it', createdAt: 1 });
    Y.applyUpdate(server0, Y.encodeStateAsUpdate(device0));
    assignSeq(server0, keyOf(took), 1);
    // Written offline.
    const a = sendMessage(device0, { authorId: ANN, deviceId: 'd', text: 'offline 1', createdAt: 2 });
    const b = sendMessage(device0, { authorId: ANN, deviceId: 'd', text: 'offline 2', createdAt: 3 });
    // Before the merge, all three look pending; after it, only the two the server lacks.
    expect(ownPendingEntries(device0, ANN)).toHaveLength(3);
    Y.applyUpdate(device0, Y.encodeStateAsUpdate(server0, Y.encodeStateVector(device0)));
    const pending = ownPendingEntries(device0, ANN);
    expect(pending.map((p) => p.key)).toEqual([keyOf(a), keyOf(b)]);

    const live = new Y.Doc();
    sendMessage(live, { authorId: BEN, deviceId: 'e', text: 'in the new epoch', createdAt: 4 });
    expect(copyEntries(live, pending)).toEqual([keyOf(a), keyOf(b)]);
    expect(getMessage(live, keyOf(a))).toEqual(a);
    expect(getMessage(live, keyOf(b))).toEqual(b);
    // A repeated move (a second `sealed`, a restart mid-move) writes nothing.
    const before = Y.encodeStateVector(live);
    expect(copyEntries(live, pending)).toEqual([]);
    expect(Y.encodeStateVector(live)).toEqual(before);
    expect(messagesMap(live).size).toBe(3);
  });
});

describe('drop, resync and rewrite after a refusal (DESIGN §5)', () => {
  it('finds the refused entries and rewrites them under a fresh clientID, independent of the old one', () => {
    const server = new Y.Doc();
    const device = new Y.Doc();
    const ok = sendMessage(device, { authorId: ANN, deviceId: 'd', text: 'accepted', createdAt: 1 });
    sync(device, server);
    assignSeq(server, keyOf(ok), 1);
    sync(device, server);
    // These never reach the server: their update was refused.
    const r1 = sendMessage(device, { authorId: ANN, deviceId: 'd', text: 'refused 1', createdAt: 2 });
    const r2 = sendMessage(device, { authorId: ANN, deviceId: 'd', text: 'refused 2', createdAt: 3 });
    const pending = ownPendingEntries(device, ANN);

    const fresh = new Y.Doc();
    expect(fresh.clientID).not.toBe(device.clientID);
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(server));
    const refused = refusedEntries(pending, fresh);
    expect(refused.map((p) => p.key)).toEqual([keyOf(r1), keyOf(r2)]);

    const updates: Uint8Array[] = [];
    fresh.on('update', (u: Uint8Array) => updates.push(u));
    expect(copyEntries(fresh, refused)).toEqual([keyOf(r1), keyOf(r2)]);
    // One update, only the fresh clientID in it, and the server can apply it with nothing missing.
    expect(updates).toHaveLength(1);
    expect(clientsOf(updates[0]!)).toEqual(new Set([fresh.clientID]));
    Y.applyUpdate(server, updates[0]!);
    expect(server.store.pendingStructs).toBeNull();
    expect(textOf(getMessage(server, keyOf(r2)))).toBe('refused 2');
    expect(textOf(getMessage(server, keyOf(ok)))).toBe('accepted');
  });

  it('counts nothing as refused that the resynced copy holds', () => {
    const server = new Y.Doc();
    const device = new Y.Doc();
    const m = sendMessage(device, { authorId: ANN, deviceId: 'd', text: 'arrived after all', createdAt: 1 });
    const pending = ownPendingEntries(device, ANN);
    sync(device, server);
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(server));
    expect(refusedEntries(pending, fresh)).toEqual([]);
    expect(pending.map((p) => p.key)).toEqual([keyOf(m)]);
  });

  it('maxSeq is the highest seq of the document', () => {
    const doc = new Y.Doc();
    expect(maxSeq(doc)).toBe(0);
    for (const [i, s] of [3, 9, 4].entries()) assignSeq(doc, keyOf(sendMessage(doc, { authorId: BEN, deviceId: 'e', text: `m${i}` })), s);
    expect(maxSeq(doc)).toBe(9);
  });
});

describe('sortKeyAfterSeq', () => {
  it('puts a refused message after the seq it followed and before the next one, ordered by time', () => {
    const a = sortKeyAfterSeq(41, 1_000, '01A');
    const b = sortKeyAfterSeq(41, 2_000, '01B');
    const keys = [sortKeyOf(42, 0, 'x'), b, sortKeyOf(41, 0, 'x'), a, sortKeyOf(null, 0, 'p')].sort();
    expect(keys).toEqual([sortKeyOf(41, 0, 'x'), a, b, sortKeyOf(42, 0, 'x'), sortKeyOf(null, 0, 'p')]);
  });
});
