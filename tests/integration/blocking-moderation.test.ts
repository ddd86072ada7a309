/**
 * Blocking and moderation on the server, checked on the wire: a blocked user's DM writes
 * are refused with a neutral code and never reach the blocker (not even after an unblock),
 * later messages after the unblock go through under a fresh clientID; the blocker's event
 * stream and search leave the blocked user out; admins-only groups refuse plain members
 * over sync and REST; an admin's delete is a final tombstone that an offline edit can't undo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { RawSocket, sleep, waitFor, wsUrl } from './helpers/sync.ts';
import { roomDocName } from '#shared/room-doc/names';
import { editMessage, listMessages, sendMessage } from '#shared/room-doc/ops';
import { messageKey } from '#shared/room-doc/schema';
import { SyncType, encodeSyncMessage } from '#shared/protocol/frames';

let server: TestServer;
let amy: TestClient, bert: TestClient, cleo: TestClient;
let amyId: string, bertId: string, cleoId: string;
let dmId: string, groupId: string;
const open: { close(): void }[] = [];

beforeAll(async () => {
  server = await startTestServer();
  amy = new TestClient(server.url);
  bert = new TestClient(server.url);
  cleo = new TestClient(server.url);
  amyId = (await amy.signUp('amy')).user.id;
  bertId = (await bert.signUp('bert')).user.id;
  cleoId = (await cleo.signUp('cleo')).user.id;
  dmId = (await amy.post('/api/rooms/dm', { userId: bertId })).body.room.id;
  groupId = (await amy.post('/api/rooms', { name: 'Club', memberIds: [bertId, cleoId] })).body.room.id;
});
afterAll(async () => {
  for (const o of open) o.close();
  await server.stop();
});

/** Subscribes a raw socket and returns it once the first sync answer arrived. */
async function watch(c: TestClient, name: string): Promise<RawSocket> {
  const raw = await RawSocket.connect(server.url, c.token!);
  open.push(raw);
  raw.subscribe(name);
  await waitFor(() => raw.frames.some((f) => f.docName === name));
  return raw;
}
const updatesFor = (raw: RawSocket, name: string) =>
  raw.frames.filter((f) => f.docName === name && f.message[0] === 0 && f.message[1] === SyncType.update);

describe('blocking in a DM', () => {
  it('refuses the blocked user’s writes neutrally, delivers nothing to the blocker, and works again after an unblock', async () => {
    const name = roomDocName(dmId, 0);
    const amyRaw = await watch(amy, name);
    const bertRaw = await watch(bert, name);
    expect((await amy.post('/api/blocks', { userId: bertId })).status).toBe(201);

    const bertDoc = new Y.Doc();
    const refused = sendMessage(bertDoc, { authorId: bertId, deviceId: 'b1', text: 'are you there?' });
    bertRaw.sendUpdate(name, Y.encodeStateAsUpdate(bertDoc));
    await waitFor(() => bertRaw.errors().length > 0);
    expect(bertRaw.errors()[0]).toMatchObject({ code: 'undeliverable', doc: name, detail: 'This message could not be delivered' });
    expect(JSON.stringify(bertRaw.errors())).not.toMatch(/block/i);
    const rest = await bert.post(`/api/rooms/${dmId}/messages`, { text: 'via REST' });
    expect(rest.status).toBe(403);
    expect(JSON.stringify(rest.body)).not.toMatch(/block/i);
    expect((await bert.post('/api/rooms/dm', { userId: amyId })).status).toBe(403);
    await sleep(200);
    expect(updatesFor(amyRaw, name)).toHaveLength(0);

    expect((await amy.delete(`/api/blocks/${bertId}`)).status).toBe(204);
    // The refused message stays refused; a new message under a fresh clientID goes through.
    const fresh = new Y.Doc();
    const later = sendMessage(fresh, { authorId: bertId, deviceId: 'b1', text: 'hello again' });
    bertRaw.sendUpdate(name, Y.encodeStateAsUpdate(fresh));
    await waitFor(() => updatesFor(amyRaw, name).length > 0, 5000, 'delivery after unblock');
    const history = (await amy.get(`/api/rooms/${dmId}/messages`)).body.messages.map((m: { id: string }) => m.id);
    expect(history).toContain(later.id);
    expect(history).not.toContain(refused.id);
  });
});

describe('blocking in a group', () => {
  it('leaves the blocked author out of the blocker’s event stream and search, not others’', async () => {
    await amy.post('/api/blocks', { userId: bertId });
    const amyEvents: { message: string }[] = [];
    const cleoEvents: { message: string }[] = [];
    const a = new WebSocket(wsUrl(server.url, `/api/events?token=${amy.token}`));
    const c = new WebSocket(wsUrl(server.url, `/api/events?token=${cleo.token}`));
    open.push(a, c);
    a.on('message', (d) => amyEvents.push(JSON.parse(String(d))));
    c.on('message', (d) => cleoEvents.push(JSON.parse(String(d))));
    await Promise.all([new Promise((r) => a.once('open', r)), new Promise((r) => c.once('open', r))]);
    expect((await bert.post(`/api/rooms/${groupId}/messages`, { text: 'zebra crossing' })).status).toBe(201);
    await cleo.post(`/api/rooms/${groupId}/messages`, { text: 'zebra stripes' });
    await waitFor(() => cleoEvents.length === 2);
    await sleep(100);
    expect(amyEvents.map((e) => e.message)).toEqual(['zebra stripes']);
    expect((await amy.get('/api/search?q=zebra')).body.results.map((m: { text: string }) => m.text)).toEqual(['zebra stripes']);
    expect((await cleo.get('/api/search?q=zebra')).body.results).toHaveLength(2);
    await amy.delete(`/api/blocks/${bertId}`);
  });
});

describe('moderation', () => {
  it('enforces “only admins can post” over sync and REST', async () => {
    const name = roomDocName(groupId, 0);
    expect((await amy.patch(`/api/rooms/${groupId}`, { onlyAdminsPost: true })).status).toBe(200);
    const cleoRaw = await watch(cleo, name);
    const doc = new Y.Doc();
    sendMessage(doc, { authorId: cleoId, deviceId: 'c1', text: 'me too' });
    cleoRaw.sendUpdate(name, Y.encodeStateAsUpdate(doc));
    await waitFor(() => cleoRaw.errors().length > 0);
    expect(cleoRaw.errors()[0]).toMatchObject({ code: 'forbidden', doc: name });
    expect((await cleo.post(`/api/rooms/${groupId}/messages`, { text: 'me too' })).status).toBe(403);
    expect((await amy.post(`/api/rooms/${groupId}/messages`, { text: 'announcement' })).status).toBe(201);
    await amy.patch(`/api/rooms/${groupId}`, { onlyAdminsPost: false });
  });

  it('makes an admin delete final: the author’s offline edit is refused and the tombstone stays', async () => {
    const name = roomDocName(groupId, 0);
    const cleoRaw = await watch(cleo, name);
    // Cleo's device has the room and writes a message.
    const cleoDoc = new Y.Doc();
    Y.applyUpdate(cleoDoc, Y.encodeStateAsUpdate(server.deps.sync.hub.getDoc(name)!));
    const before = Y.encodeStateVector(cleoDoc);
    const mine = sendMessage(cleoDoc, { authorId: cleoId, deviceId: 'c1', text: 'spam?' });
    cleoRaw.sendUpdate(name, Y.encodeStateAsUpdate(cleoDoc, before));
    await waitFor(() => listMessages(server.deps.sync.hub.getDoc(name)!).some((m) => m.entry.id === mine.id && m.seq !== null));
    // The admin removes it while Cleo is offline and edits it.
    expect((await amy.delete(`/api/rooms/${groupId}/messages/${mine.id}`)).status).toBe(204);
    const sv = Y.encodeStateVector(cleoDoc);
    editMessage(cleoDoc, messageKey(cleoId, mine.id), 'not spam', Date.now());
    cleoRaw.send(name, encodeSyncMessage(SyncType.update, Y.encodeStateAsUpdate(cleoDoc, sv)));
    await waitFor(() => cleoRaw.errors().some((e) => e.code === 'rejected'));
    const page = (await cleo.get(`/api/rooms/${groupId}/messages?limit=5`)).body.messages;
    expect(page.find((m: { id: string }) => m.id === mine.id)).toMatchObject({ deleted: true, deletedBy: amyId, text: '' });
  });
});
