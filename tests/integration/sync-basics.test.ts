/**
 * The sync endpoints end to end over real sockets: authentication and close codes, one
 * multiplexed socket for many rooms, durable acks, `order`, REST posts reaching both the
 * multiplexed client and the stock y-websocket provider, and the bots' event stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { RawSocket, connectDevice, waitFor, wsUrl, type Device } from './helpers/sync.ts';
import { roomDocName, userDocName } from '#shared/room-doc/names';
import { sendMessage, listMessages } from '#shared/room-doc/ops';
import { markRead } from '#shared/room-doc/user-doc';
import { CloseCode } from '#shared/protocol/close-codes';
import { encodeControl } from '#shared/protocol/frames';

let server: TestServer;
let alice: TestClient, bob: TestClient, carol: TestClient;
let aliceId: string, bobId: string, carolId: string;
let roomId: string;
const devices: Device[] = [];

beforeAll(async () => {
  server = await startTestServer({ SYNC_AUTH_TIMEOUT_S: '1' });
  alice = new TestClient(server.url);
  bob = new TestClient(server.url);
  carol = new TestClient(server.url);
  aliceId = (await alice.signUp('alice', 'Alice')).user.id;
  bobId = (await bob.signUp('bob', 'Bob')).user.id;
  carolId = (await carol.signUp('carol', 'Carol')).user.id;
  const r = await alice.post('/api/rooms', { name: 'Team', memberIds: [bobId], visibility: 'private' });
  roomId = r.body.room.id;
});
afterAll(async () => {
  for (const d of devices) d.close();
  await server.stop();
});

const device = (c: TestClient) => {
  const d = connectDevice(server.url, () => c.token!);
  devices.push(d);
  return d;
};

describe('authentication on /sync', () => {
  it('says hello with the user, device, server time and live epochs', async () => {
    const raw = await RawSocket.connect(server.url, alice.token!);
    const hello = raw.controls.find((c) => c.type === 'hello')!;
    expect(hello).toMatchObject({ type: 'hello', userId: aliceId, epochs: { [roomId]: 0 } });
    expect(Math.abs((hello as { serverTime: number }).serverTime - Date.now())).toBeLessThan(5000);
    raw.close();
  });

  it('closes with 4001 on a bad token', async () => {
    const raw = await RawSocket.open(server.url);
    raw.ws.send(encodeControl({ type: 'auth', token: 'nope', protocolVersion: 1 }));
    expect((await raw.waitClosed())!.code).toBe(CloseCode.unauthorized);
  });

  it('closes with 4003 on another protocol version', async () => {
    const raw = await RawSocket.open(server.url);
    raw.ws.send(encodeControl({ type: 'auth', token: alice.token!, protocolVersion: 99 }));
    expect(await raw.waitClosed()).toEqual({ code: CloseCode.protocolVersion, reason: 'protocol-version' });
  });

  it('accepts nothing before auth and closes a silent socket after the timeout', async () => {
    const early = await RawSocket.open(server.url);
    early.subscribe(roomDocName(roomId, 0));
    expect((await early.waitClosed())!.code).toBe(CloseCode.unauthorized);
    const silent = await RawSocket.open(server.url);
    expect((await silent.waitClosed(4000))!.code).toBe(CloseCode.authTimeout);
  });

  it('closes a revoked session’s socket at once with 4002', async () => {
    const extra = new TestClient(server.url);
    const login = await extra.logIn('alice');
    const raw = await RawSocket.connect(server.url, extra.token!);
    expect((await alice.delete(`/api/sessions/${login.sessionId}`)).status).toBe(204);
    expect((await raw.waitClosed())!.code).toBe(CloseCode.sessionRevoked);
  });

  it('refuses the single-document endpoint without a valid token', async () => {
    const ws = new WebSocket(wsUrl(server.url, `/sync/${roomDocName(roomId, 0)}?token=bad`));
    const err = await new Promise<Error>((res) => ws.once('error', res));
    expect(String(err)).toContain('401');
  });
});

describe('messages through the room document', () => {
  it('delivers a message to another member, acks it after the durable write, and sequences it', async () => {
    const a = device(alice);
    const b = device(bob);
    const name = roomDocName(roomId, 0);
    const docA = a.doc(name);
    const docB = b.doc(name);
    await a.client.until(() => a.client.isSynced(name));
    await b.client.until(() => b.client.isSynced(name));
    const entry = sendMessage(docA, { authorId: aliceId, deviceId: 'dev-a', text: 'hello bob' });
    await a.client.until(() => a.client.isAcked(name));
    await waitFor(() => listMessages(docB).find((m) => m.entry.id === entry.id && m.seq !== null), 5000, 'delivery');
    const got = listMessages(docB).find((m) => m.entry.id === entry.id)!;
    expect(got.entry).toMatchObject({ text: 'hello bob' });
    expect(got.seq).toBeGreaterThan(0);
    // The author's device gets the seq too ("sent").
    await waitFor(() => listMessages(docA).find((m) => m.entry.id === entry.id)?.seq === got.seq);
    // And the projection serves it over REST.
    const hist = await bob.get(`/api/rooms/${roomId}/messages`);
    expect(hist.body.messages.map((m: { id: string }) => m.id)).toContain(entry.id);
  });

  it('keeps the order of messages written offline in one update', async () => {
    const name = roomDocName(roomId, 0);
    const offline = new Y.Doc();
    const ids: string[] = [];
    Y.transact(offline, () => {
      for (let i = 0; i < 5; i++) ids.push(sendMessage(offline, { authorId: bobId, deviceId: 'dev-b', text: `offline ${i}` }).id);
    });
    const b = device(bob);
    const doc = b.doc(name);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(offline));
    await b.client.until(() => b.client.isSynced(name));
    await waitFor(() => ids.every((id) => typeof listMessages(doc).find((m) => m.entry.id === id)?.seq === "number"));
    const seqs = ids.map((id) => listMessages(doc).find((m) => m.entry.id === id)!.seq!);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(5);
  });

  it('denies a non-member reading or writing the room', async () => {
    const raw = await RawSocket.connect(server.url, carol.token!);
    raw.subscribe(roomDocName(roomId, 0));
    await waitFor(() => raw.errors().length > 0);
    expect(raw.errors()[0]).toMatchObject({ code: 'forbidden', doc: roomDocName(roomId, 0) });
    expect(raw.frames).toHaveLength(0);
    raw.close();
  });

  it('lets only the owner sync their user document, and projects read positions into unread counts', async () => {
    const raw = await RawSocket.connect(server.url, bob.token!);
    raw.subscribe(userDocName(aliceId));
    await waitFor(() => raw.errors().length > 0);
    expect(raw.errors()[0]!.code).toBe('forbidden');
    raw.close();

    const before = (await bob.get('/api/rooms')).body.rooms.find((r: { id: string }) => r.id === roomId);
    expect(before.unread).toBeGreaterThan(0);
    expect(before.lastMessage).not.toBeNull();
    const b = device(bob);
    const udoc = b.doc(userDocName(bobId));
    await b.client.until(() => b.client.isSynced(userDocName(bobId)));
    markRead(udoc, roomId, 'dev-b', before.lastMessage.seq, Date.now());
    await b.client.until(() => b.client.isAcked(userDocName(bobId)));
    const after = (await bob.get('/api/rooms')).body.rooms.find((r: { id: string }) => r.id === roomId);
    expect(after.unread).toBe(0);
  });
});

describe('REST messages reach every kind of client in real time', () => {
  it('shows a POSTed message on the stock y-websocket provider and on the multiplexed client', async () => {
    const name = roomDocName(roomId, 0);
    const stockDoc = new Y.Doc();
    const provider = new WebsocketProvider(wsUrl(server.url, '/sync'), name, stockDoc, {
      WebSocketPolyfill: WebSocket as never,
      params: { token: bob.token! },
      disableBc: true,
    });
    const mine = device(bob);
    const myDoc = mine.doc(name);
    try {
      await waitFor(() => provider.synced, 5000, 'provider synced');
      await mine.client.until(() => mine.client.isSynced(name));
      const id = '01J' + 'Z'.repeat(23);
      const posted = await alice.post(`/api/rooms/${roomId}/messages`, { id, text: 'from a script' });
      expect(posted.status).toBe(201);
      expect(posted.body.message).toMatchObject({ id, text: 'from a script', authorId: aliceId });
      expect(posted.body.message.seq).toBeGreaterThan(0);
      const seen = (d: Y.Doc) => (listMessages(d).find((m) => m.entry.id === id)?.entry as { text?: string } | undefined)?.text === 'from a script';
      await waitFor(() => seen(stockDoc), 5000, 'stock provider');
      await waitFor(() => seen(myDoc), 5000, 'multiplexed client');
      // A retry with the same id returns the same message, not a second one.
      const again = await alice.post(`/api/rooms/${roomId}/messages`, { id, text: 'from a script' });
      expect(again.status).toBe(200);
      expect(again.body.message.seq).toBe(posted.body.message.seq);
    } finally {
      provider.destroy();
    }
  });
});

describe('event stream for bots', () => {
  it('sends chat_message JSON field for field, only for the caller’s rooms', async () => {
    const events: any[] = [];
    const carolEvents: any[] = [];
    const ws = new WebSocket(wsUrl(server.url, '/api/events'), { headers: { Authorization: `Bearer ${bob.token}` } });
    const wsCarol = new WebSocket(wsUrl(server.url, `/api/events?token=${carol.token}`));
    ws.on('message', (d) => events.push(JSON.parse(String(d))));
    wsCarol.on('message', (d) => carolEvents.push(JSON.parse(String(d))));
    await Promise.all([new Promise((r) => ws.once('open', r)), new Promise((r) => wsCarol.once('open', r))]);
    const posted = await alice.post(`/api/rooms/${roomId}/messages`, { text: 'Hello World' });
    const ev = await waitFor(() => events.find((e) => e.message_id === posted.body.message.id));
    expect(ev).toEqual({
      type: 'chat_message',
      room_id: roomId,
      message_id: posted.body.message.id,
      message: 'Hello World',
      sender_info: { id: aliceId, username: 'alice', name: 'Alice' },
      sender_id: aliceId,
      message_type: 'text',
      file_attachment: null,
      timestamp: posted.body.message.createdAt,
    });
    expect(carolEvents).toHaveLength(0);
    ws.close();
    wsCarol.close();
  });
});

describe('membership', () => {
  it('ends a removed member’s subscription at once', async () => {
    const name = roomDocName(roomId, 0);
    const add = await alice.post(`/api/rooms/${roomId}/members`, { userId: carolId });
    expect(add.status).toBe(201);
    const raw = await RawSocket.connect(server.url, carol.token!);
    raw.subscribe(name);
    await waitFor(() => raw.frames.length >= 1, 5000, 'carol synced');
    expect((await alice.delete(`/api/rooms/${roomId}/members/${carolId}`)).status).toBe(204);
    await waitFor(() => raw.controls.find((c) => c.type === 'rooms'));
    const count = raw.frames.length;
    await alice.post(`/api/rooms/${roomId}/messages`, { text: 'after carol left' });
    await new Promise((r) => setTimeout(r, 300));
    expect(raw.frames.length).toBe(count);
    raw.subscribe(name);
    await waitFor(() => raw.errors().some((e) => e.code === 'forbidden'));
    raw.close();
  });
});
