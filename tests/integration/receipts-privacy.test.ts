/**
 * Read receipts and the privacy rules around ephemeral state, checked on the wire (what
 * each user's socket receives): read positions reach the other members; the "share read
 * receipts" switch is reciprocal; a block hides reads and presence both ways; typing
 * (awareness) is relayed only between users who both share presence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { RawSocket, connectDevice, sleep, waitFor, type Device } from './helpers/sync.ts';
import { roomDocName, userDocName } from '#shared/room-doc/names';
import { markRead } from '#shared/room-doc/user-doc';
import { encodeAwarenessMessage } from '#shared/protocol/frames';
import type { ServerControl } from '#shared/protocol/control';

let server: TestServer;
let ann: TestClient, bo: TestClient;
let annId: string, boId: string, roomId: string;
const open: { close(): void }[] = [];

beforeAll(async () => {
  server = await startTestServer();
  ann = new TestClient(server.url);
  bo = new TestClient(server.url);
  annId = (await ann.signUp('ann')).user.id;
  boId = (await bo.signUp('bob')).user.id;
  roomId = (await ann.post('/api/rooms', { name: 'Pair', memberIds: [boId] })).body.room.id;
  for (let i = 0; i < 3; i++) await ann.post(`/api/rooms/${roomId}/messages`, { text: `m${i}` });
});
afterAll(async () => {
  for (const o of open) o.close();
  await server.stop();
});

type Receipts = Extract<ServerControl, { type: 'receipts' }>;
type Presence = Extract<ServerControl, { type: 'presence' }>;
const presenceOf = (raw: RawSocket, userId: string) => raw.controls.filter((c): c is Presence => c.type === 'presence' && c.userId === userId);
const receiptsOf = (raw: RawSocket) => raw.controls.filter((c): c is Receipts => c.type === 'receipts' && c.roomId === roomId);

/** Bo's device that moves his read position through his private document. */
async function boReader(): Promise<{ device: Device; read(seq: number): Promise<void> }> {
  const device = connectDevice(server.url, () => bo.token!);
  open.push(device);
  const name = userDocName(boId);
  const doc = device.doc(name);
  await device.client.until(() => device.client.isSynced(name));
  return {
    device,
    async read(seq) {
      markRead(doc, roomId, 'bo-phone', seq, Date.now());
      await device.client.until(() => device.client.isAcked(name));
    },
  };
}

async function annWatching(): Promise<RawSocket> {
  const raw = await RawSocket.connect(server.url, ann.token!);
  open.push(raw);
  raw.subscribe(roomDocName(roomId, 0));
  await waitFor(() => receiptsOf(raw).length > 0, 5000, 'receipts on subscribe');
  return raw;
}

describe('read receipts', () => {
  it('tells the other members when someone reads, and gives the current state on subscribe', async () => {
    const reader = await boReader();
    const raw = await annWatching();
    expect(receiptsOf(raw)[0]!.reads).toEqual({});
    await reader.read(2);
    await waitFor(() => receiptsOf(raw).some((r) => r.reads[boId] === 2), 5000, 'receipt for seq 2');
    // A later subscriber gets the state at once.
    const late = await annWatching();
    expect(receiptsOf(late)[0]!.reads).toEqual({ [boId]: 2 });
    // Positions never go back.
    await reader.read(1);
    await sleep(200);
    expect(receiptsOf(raw).every((r) => (r.reads[boId] ?? 0) <= 2)).toBe(true);
  });

  it('is reciprocal: a user who stops sharing is not seen and sees nobody', async () => {
    const reader = await boReader();
    const annRaw = await annWatching();
    expect((await bo.patch('/api/me', { settings: { shareReadReceipts: false } })).status).toBe(200);
    await waitFor(() => receiptsOf(annRaw).at(-1)?.reads[boId] === undefined, 5000, 'bo hidden from ann');
    const count = receiptsOf(annRaw).length;
    await reader.read(3);
    await sleep(300);
    expect(receiptsOf(annRaw).slice(count).some((r) => boId in r.reads)).toBe(false);
    // Ann reads too; Bo, not sharing, must not learn it.
    const annDev = connectDevice(server.url, () => ann.token!);
    open.push(annDev);
    const boRaw = await RawSocket.connect(server.url, bo.token!);
    open.push(boRaw);
    boRaw.subscribe(roomDocName(roomId, 0));
    await waitFor(() => receiptsOf(boRaw).length > 0);
    const udoc = annDev.doc(userDocName(annId));
    await annDev.client.until(() => annDev.client.isSynced(userDocName(annId)));
    markRead(udoc, roomId, 'ann-laptop', 3, Date.now());
    await annDev.client.until(() => annDev.client.isAcked(userDocName(annId)));
    await sleep(300);
    expect(receiptsOf(boRaw).some((r) => annId in r.reads)).toBe(false);
    // Switching back on shows both again.
    await bo.patch('/api/me', { settings: { shareReadReceipts: true } });
    await waitFor(() => receiptsOf(annRaw).at(-1)?.reads[boId] === 3, 5000, 'bo visible again');
    await waitFor(() => receiptsOf(boRaw).at(-1)?.reads[annId] === 3, 5000, 'ann visible to bo again');
  });
});

describe('blocks and presence switches on ephemeral state', () => {
  it('hides presence and reads both ways while blocked', async () => {
    const annRaw = await annWatching();
    const boRaw = await RawSocket.connect(server.url, bo.token!);
    open.push(boRaw);
    await waitFor(() => annRaw.controls.some((c) => c.type === 'presence' && c.userId === boId && c.online), 5000, 'bo online');
    expect((await ann.post('/api/blocks', { userId: boId })).status).toBe(201);
    await waitFor(() => presenceOf(annRaw, boId).at(-1)?.online === false);
    await waitFor(() => presenceOf(boRaw, annId).at(-1)?.online === false);
    await waitFor(() => receiptsOf(annRaw).at(-1)?.reads[boId] === undefined, 5000, 'reads hidden');
    // A new connection of Bo is not announced to Ann.
    const before = annRaw.controls.length;
    const again = await RawSocket.connect(server.url, bo.token!);
    open.push(again);
    const hello = again.controls.filter((c) => c.type === 'presence' && c.userId === annId);
    expect(hello.every((c) => c.type === 'presence' && !c.online && c.lastSeen === null)).toBe(true);
    await sleep(200);
    expect(annRaw.controls.slice(before).some((c) => c.type === 'presence' && c.userId === boId && c.online)).toBe(false);
    expect((await ann.delete(`/api/blocks/${boId}`)).status).toBe(204);
    await waitFor(() => presenceOf(annRaw, boId).at(-1)?.online === true);
  });

  it('relays typing only between users who both share presence', async () => {
    const name = roomDocName(roomId, 0);
    const annRaw = await RawSocket.connect(server.url, ann.token!);
    const boRaw = await RawSocket.connect(server.url, bo.token!);
    open.push(annRaw, boRaw);
    annRaw.subscribe(name);
    boRaw.subscribe(name);
    await waitFor(() => annRaw.frames.length > 0 && boRaw.frames.length > 0);
    const typing = () => {
      const doc = new Y.Doc();
      const aw = new awarenessProtocol.Awareness(doc);
      aw.setLocalState({ user: { id: boId, name: 'Bob' }, deviceId: 'bo-phone', typing: true });
      const update = awarenessProtocol.encodeAwarenessUpdate(aw, [doc.clientID]);
      aw.destroy();
      return encodeAwarenessMessage(update);
    };
    const awarenessFrames = () => annRaw.frames.filter((f) => f.docName === name && f.message[0] === 1).length;
    boRaw.send(name, typing());
    await waitFor(() => awarenessFrames() === 1, 5000, 'typing relayed');
    await ann.patch('/api/me', { settings: { sharePresence: false } });
    boRaw.send(name, typing());
    await sleep(300);
    expect(awarenessFrames()).toBe(1);
    await ann.patch('/api/me', { settings: { sharePresence: true } });
    boRaw.send(name, typing());
    await waitFor(() => awarenessFrames() === 2, 5000, 'typing relayed again');
  });
});
