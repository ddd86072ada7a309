import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newId } from '#shared/ids';
import { RoomDocError, assignSeq, deleteMessage, deliveredWatermarks, editMessage, getMessage, listMessages, markDelivered, pendingKeys, sendMessage } from './ops.ts';
import { messageKey, parseMessageKey } from './schema.ts';
import { getRoomPrefs, markRead, readPosition, readPositions, setRoomPrefs } from './user-doc.ts';

const A = newId();
const B = newId();
const dev = newId();

function updatesOf(doc: Y.Doc, fn: () => void): number {
  let n = 0;
  const count = () => n++;
  doc.on('update', count);
  fn();
  doc.off('update', count);
  return n;
}

describe('room document operations', () => {
  it('sends idempotently, edits, deletes into a final tombstone', () => {
    const doc = new Y.Doc();
    const m = sendMessage(doc, { authorId: A, deviceId: dev, text: 'hi', createdAt: 1000 });
    const key = messageKey(A, m.id);
    expect(parseMessageKey(key)).toEqual({ authorId: A, messageId: m.id });
    expect(updatesOf(doc, () => sendMessage(doc, { authorId: A, deviceId: dev, id: m.id, text: 'again' }))).toBe(0);
    expect(editMessage(doc, key, 'hi!', 2000)).toMatchObject({ text: 'hi!', editedAt: 2000, createdAt: 1000 });
    expect(() => editMessage(doc, key, 'late', 10_000, { editWindowMs: 5000 })).toThrow(RoomDocError);
    expect(deleteMessage(doc, key, A)).toEqual({ id: m.id, authorId: A, kind: 'text', createdAt: 1000, deleted: true, deletedBy: A });
    expect(updatesOf(doc, () => deleteMessage(doc, key, A))).toBe(0);
    expect(() => editMessage(doc, key, 'back', 3000)).toThrow(/deleted/);
    expect(() => editMessage(doc, messageKey(A, newId()), 'x', 3000)).toThrow(/No message/);
    expect(() => sendMessage(doc, { authorId: A, deviceId: dev, text: 'x'.repeat(8001) })).toThrow(RoomDocError);
    expect(() => sendMessage(doc, { authorId: A, deviceId: dev, kind: 'image', text: '' })).toThrow(RoomDocError);
    expect(getMessage(doc, key)?.deleted).toBe(true);
  });

  it('lists sequenced messages by seq, then pending ones by createdAt', () => {
    const doc = new Y.Doc();
    const k = (text: string, createdAt: number) => messageKey(A, sendMessage(doc, { authorId: A, deviceId: dev, text, createdAt }).id);
    const late = k('late', 300);
    const early = k('early', 100);
    const p2 = k('pending 2', 250);
    const p1 = k('pending 1', 50);
    expect(assignSeq(doc, late, 1)).toBe(true);
    expect(assignSeq(doc, early, 2)).toBe(true);
    expect(assignSeq(doc, early, 9)).toBe(false);
    expect(listMessages(doc).map((l) => [l.key, l.seq])).toEqual([
      [late, 1],
      [early, 2],
      [p1, null],
      [p2, null],
    ]);
    expect(new Set(pendingKeys(doc))).toEqual(new Set([p1, p2]));
  });

  it('moves delivered watermarks forward only and takes the max per user', () => {
    const doc = new Y.Doc();
    const d2 = newId();
    expect(markDelivered(doc, A, dev, 5)).toBe(true);
    expect(updatesOf(doc, () => expect(markDelivered(doc, A, dev, 3)).toBe(false))).toBe(0);
    markDelivered(doc, A, d2, 7);
    markDelivered(doc, B, dev, 2);
    expect(deliveredWatermarks(doc)).toEqual(new Map([[A, 7], [B, 2]]));
  });
});

describe('user document', () => {
  it('keeps read positions per device, forward only, and reads the max', () => {
    const doc = new Y.Doc();
    const room = newId();
    const other = newId();
    expect(readPosition(doc, room)).toBe(0);
    expect(markRead(doc, room, dev, 4, 1000)).toBe(true);
    expect(markRead(doc, room, dev, 2, 2000)).toBe(false);
    markRead(doc, room, newId(), 9, '2026-01-01T00:00:00.000Z');
    markRead(doc, other, dev, 1, 3000);
    expect(readPosition(doc, room)).toBe(9);
    expect(readPositions(doc)).toEqual(new Map([[room, 9], [other, 1]]));
  });

  it('merges room preferences', () => {
    const doc = new Y.Doc();
    const room = newId();
    setRoomPrefs(doc, room, { muted: true });
    setRoomPrefs(doc, room, { archived: true });
    expect(getRoomPrefs(doc, room)).toEqual({ muted: true, archived: true });
  });
});
