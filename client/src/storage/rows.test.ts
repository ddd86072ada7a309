import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { assignSeq, deleteMessage, editMessage, sendMessage } from '#shared/room-doc/ops';
import { messageKey } from '#shared/room-doc/schema';
import { newId } from '#shared/ids';
import { keysChangedIn, rowFromApi, rowsFromDoc } from './rows.ts';
import { sortKeyOf } from './sort-key.ts';

const ROOM = newId();
const ANN = newId();
const BEN = newId();

const byKey = <T extends { sortKey: string }>(rows: T[]) => [...rows].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));

describe('sortKeyOf', () => {
  it('orders sequenced messages by seq, numerically', () => {
    const keys = [10, 2, 1, 100, 9].map((s) => sortKeyOf(s, 0, 'x')).sort();
    expect(keys).toEqual([1, 2, 9, 10, 100].map((s) => sortKeyOf(s, 0, 'x')));
  });

  it('puts every pending message after every sequenced one, whatever the times', () => {
    const sequenced = sortKeyOf(Number.MAX_SAFE_INTEGER, 9e12, 'Z');
    const pending = sortKeyOf(null, 0, 'A');
    expect(pending > sequenced).toBe(true);
  });

  it('orders pending messages by createdAt, then id, and never gives two the same key', () => {
    const a = sortKeyOf(null, 1000, '01A');
    const b = sortKeyOf(null, 1000, '01B');
    const c = sortKeyOf(null, 999, '01Z');
    expect([b, a, c].sort()).toEqual([c, a, b]);
    expect(a).not.toBe(b);
  });
});

describe('rowsFromDoc', () => {
  it('projects messages in the order of DESIGN §3: seq first, then pending by createdAt', () => {
    const doc = new Y.Doc();
    const late = sendMessage(doc, { authorId: ANN, deviceId: 'd1', text: 'written first, arrived second', createdAt: 1_000 });
    const early = sendMessage(doc, { authorId: BEN, deviceId: 'd2', text: 'arrived first', createdAt: 5_000 });
    const pending2 = sendMessage(doc, { authorId: ANN, deviceId: 'd1', text: 'pending two', createdAt: 8_000 });
    const pending1 = sendMessage(doc, { authorId: ANN, deviceId: 'd1', text: 'pending one', createdAt: 7_000 });
    assignSeq(doc, messageKey(BEN, early.id), 1);
    assignSeq(doc, messageKey(ANN, late.id), 2);

    const rows = byKey(rowsFromDoc(doc, ROOM, 0));
    expect(rows.map((r) => r.text)).toEqual(['arrived first', 'written first, arrived second', 'pending one', 'pending two']);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, null, null]);
    expect(rows.every((r) => r.roomId === ROOM && r.epoch === 0)).toBe(true);
    expect(rows[2]!.id).toBe(pending1.id);
    expect(rows[3]!.id).toBe(pending2.id);
  });

  it('shows edits and turns a deleted message into a tombstone row without its text', () => {
    const doc = new Y.Doc();
    const m = sendMessage(doc, { authorId: ANN, deviceId: 'd1', text: 'hello', createdAt: 1_000 });
    const other = sendMessage(doc, { authorId: ANN, deviceId: 'd1', text: 'secret', createdAt: 2_000 });
    editMessage(doc, messageKey(ANN, m.id), 'hello there', 3_000);
    deleteMessage(doc, messageKey(ANN, other.id), ANN);
    const rows = byKey(rowsFromDoc(doc, ROOM, 0));
    expect(rows[0]).toMatchObject({ text: 'hello there', editedAt: 3_000, deleted: false });
    expect(rows[1]).toMatchObject({ text: '', deleted: true, deletedBy: ANN });
  });

  it('skips entries whose key does not match their author and id', () => {
    const doc = new Y.Doc();
    const m = sendMessage(doc, { authorId: ANN, deviceId: 'd1', text: 'hi' });
    doc.getMap('messages').set(messageKey(BEN, newId()), doc.getMap('messages').get(messageKey(ANN, m.id)));
    expect(rowsFromDoc(doc, ROOM, 0).map((r) => r.id)).toEqual([m.id]);
  });
});

describe('keysChangedIn', () => {
  it('names the keys a transaction touched in messages and order', () => {
    const doc = new Y.Doc();
    const m = sendMessage(doc, { authorId: ANN, deviceId: 'd1', text: 'hi' });
    const seen: string[][] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => seen.push(keysChangedIn(tr, doc)));
    assignSeq(doc, messageKey(ANN, m.id), 7);
    doc.getMap('receipts').set(`${BEN}:d2`, { delivered: 7 });
    expect(seen).toEqual([[messageKey(ANN, m.id)], []]);
  });
});

describe('rowFromApi', () => {
  it('gives a REST history message the same row the document would', () => {
    const doc = new Y.Doc();
    const m = sendMessage(doc, { authorId: ANN, deviceId: 'd1', text: 'from history', createdAt: Date.parse('2026-01-01T10:00:00Z') });
    assignSeq(doc, messageKey(ANN, m.id), 3);
    const fromDoc = rowsFromDoc(doc, ROOM, 0)[0]!;
    const fromApi = rowFromApi({
      id: m.id,
      roomId: ROOM,
      authorId: ANN,
      deviceId: 'd1',
      kind: 'text',
      text: 'from history',
      attachment: null,
      replyTo: null,
      createdAt: '2026-01-01T10:00:00.000Z',
      receivedAt: '2026-01-01T10:00:01.000Z',
      editedAt: null,
      deleted: false,
      deletedBy: null,
      seq: 3,
      epoch: 0,
    });
    expect(fromApi).toEqual(fromDoc);
  });
});
