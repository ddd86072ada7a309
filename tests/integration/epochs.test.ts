/**
 * Epochs (DESIGN §3): a room's live document is sealed past EPOCH_MAX_MESSAGES and the next
 * one opens; devices are told (`epoch`), writes into the sealed epoch are refused with
 * `sealed`, seqs continue across epochs, history pages across them, and REST edits of
 * sealed messages reach devices as `changed`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { RawSocket, waitFor } from './helpers/sync.ts';
import { roomDocName } from '#shared/room-doc/names';
import { listMessages, sendMessage } from '#shared/room-doc/ops';

let server: TestServer;
let eve: TestClient, fay: TestClient;
let fayId: string, roomId: string;
const open: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({ EPOCH_MAX_MESSAGES: '5' });
  eve = new TestClient(server.url);
  fay = new TestClient(server.url);
  await eve.signUp('eve');
  fayId = (await fay.signUp('fay')).user.id;
  roomId = (await eve.post('/api/rooms', { name: 'Long room', memberIds: [fayId] })).body.room.id;
});
afterAll(async () => {
  for (const r of open) r.close();
  await server.stop();
});

describe('epochs', () => {
  it('seals the live epoch at the threshold, announces it, and refuses writes into the sealed one', async () => {
    const fayRaw = await RawSocket.connect(server.url, fay.token!);
    open.push(fayRaw);
    const e0 = roomDocName(roomId, 0);
    fayRaw.subscribe(e0);
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push((await eve.post(`/api/rooms/${roomId}/messages`, { text: `old ${i}` })).body.message.id);
    await waitFor(() => fayRaw.controls.find((c) => c.type === 'epoch'), 5000, 'epoch control');
    expect(fayRaw.controls.find((c) => c.type === 'epoch')).toEqual({ type: 'epoch', roomId, live: 1 });
    expect((await fay.get(`/api/rooms/${roomId}`)).body.room.liveEpoch).toBe(1);
    const hello = (await RawSocket.connect(server.url, fay.token!));
    open.push(hello);
    expect(hello.controls.find((c) => c.type === 'hello')).toMatchObject({ epochs: { [roomId]: 1 } });

    // A device still writing into epoch 0 is told to move.
    const old = new Y.Doc();
    sendMessage(old, { authorId: fayId, deviceId: 'f1', text: 'late' });
    fayRaw.sendUpdate(e0, Y.encodeStateAsUpdate(old));
    await waitFor(() => fayRaw.errors().length > 0);
    expect(fayRaw.errors()[0]).toMatchObject({ code: 'sealed', doc: e0 });

    // The same entry, same key, in the live epoch goes through and continues the seqs.
    const e1 = roomDocName(roomId, 1);
    const live = new Y.Doc();
    const moved = sendMessage(live, { authorId: fayId, deviceId: 'f1', text: 'late' });
    fayRaw.subscribe(e1);
    fayRaw.sendUpdate(e1, Y.encodeStateAsUpdate(live));
    const doc1 = server.deps.sync.hub.getDoc(e1)!;
    await waitFor(() => listMessages(doc1).find((m) => m.entry.id === moved.id)?.seq === 6, 5000, 'seq 6 in epoch 1');

    // History pages across epochs, newest first.
    const hist = (await fay.get(`/api/rooms/${roomId}/messages?limit=10`)).body.messages;
    expect(hist.map((m: { seq: number; epoch: number }) => [m.seq, m.epoch])).toEqual([[6, 1], [5, 0], [4, 0], [3, 0], [2, 0], [1, 0]]);

    // An edit of a sealed message goes through REST and reaches devices as `changed`.
    const r = await eve.patch(`/api/rooms/${roomId}/messages/${ids[4]}`, { text: 'old 5 (edited)' });
    expect(r.status).toBe(200);
    expect(r.body.message).toMatchObject({ text: 'old 5 (edited)', epoch: 0 });
    await waitFor(() => fayRaw.controls.find((c) => c.type === 'changed'), 5000, 'changed control');
    expect(fayRaw.controls.find((c) => c.type === 'changed')).toEqual({ type: 'changed', roomId, messageIds: [ids[4]] });
    // New REST posts land in the live epoch.
    const post = await eve.post(`/api/rooms/${roomId}/messages`, { text: 'new' });
    expect(post.body.message).toMatchObject({ epoch: 1, seq: 7 });
  });
});
