/**
 * Presence and typing over real sockets: members who share a room learn when someone
 * comes and goes (with "last seen"), a socket that dies without closing is noticed by the
 * heartbeat, a user who hides their presence is never announced and sees nobody's, and
 * awareness is relayed only once it names the connection's own user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import { roomDocName } from '#shared/room-doc/names';
import type { ServerControl } from '#shared/protocol/control';
import { encodeAwarenessMessage } from '#shared/protocol/frames';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { RawSocket, waitFor, wsUrl } from './helpers/sync.ts';
import { Observer, roundTrip } from './helpers/observer.ts';

type Presence = Extract<ServerControl, { type: 'presence' }>;

let server: TestServer;
let ann: TestClient, ben: TestClient, cal: TestClient, dot: TestClient;
let annId: string, benId: string, calId: string, dotId: string;
let roomId: string, name: string;
const sockets: { close(): void }[] = [];

beforeAll(async () => {
  server = await startTestServer({ HEARTBEAT_S: '1' });
  [ann, ben, cal, dot] = [0, 1, 2, 3].map(() => new TestClient(server.url)) as [TestClient, TestClient, TestClient, TestClient];
  annId = (await ann.signUp('ann', 'Ann')).user.id;
  benId = (await ben.signUp('ben', 'Ben')).user.id;
  calId = (await cal.signUp('cal', 'Cal')).user.id;
  dotId = (await dot.signUp('dot', 'Dot')).user.id; // shares no room with Ann
  const r = await ann.post('/api/rooms', { name: 'Lobby', memberIds: [benId, calId], visibility: 'private' });
  roomId = r.body.room.id;
  name = roomDocName(roomId, 0);
  await dot.post('/api/rooms', { name: 'Elsewhere', memberIds: [benId], visibility: 'private' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server.stop();
});

/** Where each socket's snapshot ends (hello and the presence of every room peer). */
const snapshotEnd = new Map<RawSocket, number>();
const connect = async (c: TestClient) => {
  const raw = await RawSocket.connect(server.url, c.token!);
  sockets.push(raw);
  await roundTrip(raw);
  snapshotEnd.set(raw, raw.controls.length);
  return raw;
};
const isPresence = (c: ServerControl): c is Presence => c.type === 'presence';
/** Presence of `userId` that `raw` got after its snapshot. */
const presenceOf = (raw: RawSocket, userId: string) =>
  raw.controls.slice(snapshotEnd.get(raw)).filter((c): c is Presence => isPresence(c) && c.userId === userId);
/** Presence of `userId` in the snapshot `raw` got on connect. */
const snapshotOf = (raw: RawSocket, userId: string) =>
  raw.controls.slice(0, snapshotEnd.get(raw)).filter((c): c is Presence => isPresence(c) && c.userId === userId);
/** Waits until the server has no connection of `userId` left (it handled every close). */
const gone = (userId: string) => waitFor(() => server.deps.sync.hub.connectionsOf(userId).length === 0, 8000, `${userId} gone`);

describe('presence', () => {
  it('announces a member coming online and going offline with a last-seen time, to room peers only', async () => {
    const a = await connect(ann);
    const d = await connect(dot);
    const t0 = Date.now();
    const b = await connect(ben);
    await waitFor(() => presenceOf(a, benId).length === 1, 5000, 'ben online at ann');
    expect(presenceOf(a, benId)).toEqual([{ type: 'presence', userId: benId, online: true, lastSeen: null }]);
    b.close();
    await waitFor(() => presenceOf(a, benId).length === 2, 5000, 'ben offline at ann');
    const off = presenceOf(a, benId)[1]!;
    expect(off).toMatchObject({ type: 'presence', userId: benId, online: false });
    const seen = Date.parse(off.lastSeen!);
    expect(seen).toBeGreaterThanOrEqual(t0 - 1000);
    expect(seen).toBeLessThanOrEqual(Date.now() + 1000);
    // Dot shares a room with Ben, not with Ann: she hears of Ben, and Ann never of her.
    await waitFor(() => presenceOf(d, benId).length === 2, 5000, 'ben offline at dot');
    expect(presenceOf(d, benId).map((p) => p.online)).toEqual([true, false]);
    await roundTrip(a);
    expect(presenceOf(a, dotId)).toEqual([]);
    // The last-seen time is kept: a new device of Ann's gets it in its snapshot.
    const a2 = await connect(ann);
    expect(snapshotOf(a2, benId)).toEqual([{ type: 'presence', userId: benId, online: false, lastSeen: off.lastSeen }]);
    a.close();
    a2.close();
    d.close();
    await gone(annId);
  });

  it('counts devices: a user stays online while one of their sockets is open', async () => {
    const a = await connect(ann);
    const b1 = await connect(ben);
    const b2 = await connect(ben);
    await waitFor(() => presenceOf(a, benId).length >= 1);
    expect(presenceOf(a, benId).map((p) => p.online)).toEqual([true]);
    b1.close();
    await waitFor(() => server.deps.sync.hub.connectionsOf(benId).length === 1);
    await roundTrip(a);
    expect(presenceOf(a, benId).map((p) => p.online)).toEqual([true]);
    b2.close();
    await waitFor(() => presenceOf(a, benId).length === 2);
    expect(presenceOf(a, benId)[1]!.online).toBe(false);
    a.close();
    await gone(annId);
  });

  it('notices a socket that died without closing (heartbeat) and turns the user offline', async () => {
    const a = await connect(ann);
    const b = await connect(ben);
    await waitFor(() => presenceOf(a, benId).length === 1);
    expect(presenceOf(a, benId)[0]!.online).toBe(true);
    // The network drops: Ben's side reads nothing more, so it answers no ping.
    (b.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await waitFor(() => presenceOf(a, benId).length === 2, 8000, 'ben offline after missed pings');
    expect(presenceOf(a, benId)[1]).toMatchObject({ online: false, lastSeen: expect.any(String) });
    expect(server.deps.sync.hub.connectionsOf(benId)).toEqual([]);
    b.ws.terminate();
    a.close();
    await gone(annId);
  });

  it('never announces a user who hides their presence, and shows them nobody’s (reciprocal)', async () => {
    expect((await cal.patch('/api/me', { settings: { sharePresence: false } })).status).toBe(200);
    const a = await connect(ann);
    const c = await connect(cal);
    // Cal sees nobody: her snapshot says nothing of anyone, though Ann is online.
    expect(snapshotOf(c, annId)).toEqual([{ type: 'presence', userId: annId, online: false, lastSeen: null }]);
    expect(c.controls.filter(isPresence).every((p) => !p.online && p.lastSeen === null)).toBe(true);
    // Ben comes and goes: Ann hears of it, Cal does not.
    const b = await connect(ben);
    await waitFor(() => presenceOf(a, benId).length === 1);
    b.close();
    await waitFor(() => presenceOf(a, benId).length === 2);
    await roundTrip(c);
    expect(presenceOf(c, benId)).toEqual([]);
    // Cal comes and goes: Ann hears nothing of it, not even an "offline".
    c.close();
    await waitFor(() => server.deps.sync.hub.connectionsOf(calId).length === 0);
    const c2 = await connect(cal);
    await roundTrip(a);
    expect(presenceOf(a, calId)).toEqual([]);
    // And a new device of Ann's, while Cal is online, is told nothing of her either.
    const a2 = await connect(ann);
    expect(snapshotOf(a2, calId)).toEqual([{ type: 'presence', userId: calId, online: false, lastSeen: null }]);
    c2.close();
    await roundTrip(a);
    expect(presenceOf(a, calId)).toEqual([]);
    a.close();
    a2.close();
    expect((await cal.patch('/api/me', { settings: { sharePresence: true } })).status).toBe(200);
    await gone(annId);
    await gone(calId);
  });
});

describe('awareness (typing)', () => {
  const state = (userId: string, userName: string, typing = true) => ({ user: { id: userId, name: userName }, deviceId: 'dev-1', typing });
  /** A device's awareness: each new state gets the next clock, as in y-protocols. */
  const awarenessOf = (clientId: number) => {
    const doc = new Y.Doc();
    doc.clientID = clientId;
    const a = new awarenessProtocol.Awareness(doc);
    return (s: unknown) => {
      a.setLocalState(s as Record<string, unknown>);
      return awarenessProtocol.encodeAwarenessUpdate(a, [clientId]);
    };
  };
  const awarenessAt = (o: Observer) => o.messages.flatMap((m) => (m.kind === 'awareness' ? [m.states] : []));

  it('relays a state only once it names the connection’s own user; {} is accepted and not relayed', async () => {
    const watcher = await Observer.open(server.url, ben.token!, name);
    sockets.push(watcher);
    const typist = await Observer.open(server.url, ann.token!, name);
    sockets.push(typist);
    const id = 424242;
    const anns = awarenessOf(id);
    typist.raw.send(name, encodeAwarenessMessage(anns({})));
    typist.raw.send(name, encodeAwarenessMessage(anns(state(benId, 'Ben'))));
    await waitFor(() => typist.raw.errors().length === 1, 5000, 'refusal');
    expect(typist.raw.errors()).toEqual([{ type: 'error', code: 'rejected', doc: name, detail: 'rule 6: awareness state names another user' }]);
    await roundTrip(watcher.raw);
    expect(awarenessAt(watcher)).toEqual([]);
    // Now a state of her own: relayed, exactly as sent.
    typist.raw.send(name, encodeAwarenessMessage(anns(state(annId, 'Ann'))));
    await waitFor(() => awarenessAt(watcher).length === 1, 5000, 'typing at ben');
    expect(awarenessAt(watcher)).toEqual([[{ clientId: id, state: state(annId, 'Ann') }]]);
    // Her awareness clientID is hers: Ben can't write under it.
    watcher.raw.send(name, encodeAwarenessMessage(awarenessOf(id)(state(benId, 'Ben', false))));
    await waitFor(() => watcher.raw.errors().length === 1);
    expect(watcher.raw.errors()[0]).toMatchObject({ code: 'rejected', doc: name, detail: 'Awareness clientID belongs to another user' });
    // When Ann's socket goes, Ben is told her state is gone.
    typist.close();
    await waitFor(() => awarenessAt(watcher).length === 2, 5000, 'removal at ben');
    expect(awarenessAt(watcher)[1]).toEqual([{ clientId: id, state: null }]);
    watcher.close();
  });

  it('accepts the stock provider’s empty state on /sync/<doc> without relaying it, then relays its typing', async () => {
    const watcher = await Observer.open(server.url, ben.token!, name);
    sockets.push(watcher);
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(wsUrl(server.url, '/sync'), name, doc, {
      WebSocketPolyfill: WebSocket as never,
      params: { token: ann.token! },
      disableBc: true,
    });
    const denied: string[] = [];
    try {
      await waitFor(() => provider.synced, 5000, 'provider synced');
      provider.ws!.addEventListener('message', (e: { data: ArrayBuffer }) => {
        const bytes = new Uint8Array(e.data);
        if (bytes[0] === 2) denied.push('permission denied');
      });
      await roundTrip(watcher.raw);
      expect(awarenessAt(watcher)).toEqual([]);
      provider.awareness.setLocalState(state(annId, 'Ann'));
      await waitFor(() => awarenessAt(watcher).length === 1, 5000, 'typing at ben');
      expect(awarenessAt(watcher)[0]).toEqual([{ clientId: doc.clientID, state: state(annId, 'Ann') }]);
      expect(denied).toEqual([]);
    } finally {
      provider.destroy();
    }
    await waitFor(() => awarenessAt(watcher).length === 2, 5000, 'removal at ben');
    expect(awarenessAt(watcher)[1]).toEqual([{ clientId: doc.clientID, state: null }]);
    watcher.close();
  });
});
