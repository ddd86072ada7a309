import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { canPost } from '../../server/src/rooms/permissions.ts';
import type { DomainEvents } from '../../server/src/events.ts';

let server: TestServer;
let ann: TestClient, bob: TestClient, cat: TestClient, dan: TestClient;
let annId: string, bobId: string, catId: string, danId: string;
const changes: DomainEvents['roomChanged'][0][] = [];

beforeAll(async () => {
  server = await startTestServer({ REGISTER_RATE_PER_IP: '1000', LOGIN_RATE_PER_IP: '1000' });
  server.deps.events.on('roomChanged', (e) => changes.push(e));
  [ann, bob, cat, dan] = [0, 1, 2, 3].map(() => new TestClient(server.url)) as [TestClient, TestClient, TestClient, TestClient];
  annId = (await ann.signUp('ann', 'Ann A')).user.id;
  bobId = (await bob.signUp('bob', 'Bob B')).user.id;
  catId = (await cat.signUp('cat', 'Cat C')).user.id;
  danId = (await dan.signUp('dan', 'Dan D')).user.id;
});
afterAll(() => server.stop());

describe('POST /api/rooms/dm', () => {
  it('creates the DM once (201), then answers with the same room (200) from either side', async () => {
    const before = changes.length;
    const first = await ann.post('/api/rooms/dm', { userId: bobId });
    expect(first.status).toBe(201);
    const room = first.body.room;
    expect(room).toMatchObject({ kind: 'dm', visibility: 'private', name: 'Bob B', myRole: 'member', liveEpoch: 0, lastMessage: null, unread: 0 });
    expect(room.members.map((m: any) => [m.id, m.role]).sort()).toEqual([[annId, 'member'], [bobId, 'member']].sort());
    expect(changes.slice(before)).toEqual([{ roomId: room.id, userIds: expect.arrayContaining([annId, bobId]) }]);

    const again = await ann.post('/api/rooms/dm', { userId: bobId });
    expect(again.status).toBe(200);
    expect(again.body.room.id).toBe(room.id);

    const other = await bob.post('/api/rooms/dm', { userId: annId });
    expect(other.status).toBe(200);
    expect(other.body.room).toMatchObject({ id: room.id, name: 'Ann A' });
    // Finding an existing DM changes nothing, so nothing is announced.
    expect(changes.length).toBe(before + 1);

    const listed = await bob.get('/api/rooms');
    expect(listed.body.rooms.filter((r: any) => r.kind === 'dm').map((r: any) => r.id)).toEqual([room.id]);
  });

  it('makes one room when both sides ask at the same time', async () => {
    const calls = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? cat.post('/api/rooms/dm', { userId: danId }) : dan.post('/api/rooms/dm', { userId: catId }))),
    );
    expect(calls.filter((r) => r.status === 201)).toHaveLength(1);
    expect(calls.filter((r) => r.status === 200)).toHaveLength(5);
    expect(new Set(calls.map((r) => r.body.room.id)).size).toBe(1);
  });

  it('refuses a DM with yourself (400), with nobody (400) and with an unknown user (404)', async () => {
    const self = await ann.post('/api/rooms/dm', { userId: annId });
    expect(self.status).toBe(400);
    expect(self.headers.get('content-type')).toContain('application/problem+json');
    expect((await ann.post('/api/rooms/dm', {})).status).toBe(400);
    expect((await ann.post('/api/rooms/dm', { userId: 42 })).status).toBe(400);
    const unknown = await ann.post('/api/rooms/dm', { userId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
  });

  it('needs a token (401)', async () => {
    const anon = new TestClient(server.url);
    expect((await anon.post('/api/rooms/dm', { userId: bobId })).status).toBe(401);
  });

  it('lets nobody open a DM with someone who blocked them (403 blocked), while the blocker still can', async () => {
    const eve = new TestClient(server.url);
    const eveId = (await eve.signUp('eve', 'Eve E')).user.id;
    expect((await eve.post('/api/blocks', { userId: annId })).status).toBe(201);

    const refused = await ann.post('/api/rooms/dm', { userId: eveId });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('blocked');

    const opened = await eve.post('/api/rooms/dm', { userId: annId });
    expect(opened.status).toBe(201);
    const roomId = opened.body.room.id;
    // The blocked user can't write into the DM; the blocker can.
    expect(canPost(server.deps.db, roomId, annId)).toBe(false);
    expect(canPost(server.deps.db, roomId, eveId)).toBe(true);
    // ...and the blocked user still gets 403 while the room exists.
    expect((await ann.post('/api/rooms/dm', { userId: eveId })).status).toBe(403);

    expect((await eve.delete(`/api/blocks/${annId}`)).status).toBe(204);
    expect(canPost(server.deps.db, roomId, annId)).toBe(true);
    const reopened = await ann.post('/api/rooms/dm', { userId: eveId });
    expect(reopened.status).toBe(200);
    expect(reopened.body.room.id).toBe(roomId);
  });
});

describe('a DM has no admin actions', () => {
  let dmId: string;
  beforeAll(async () => {
    dmId = (await ann.post('/api/rooms/dm', { userId: bobId })).body.room.id;
  });

  it('refuses rename, members, roles and invites with 400', async () => {
    expect((await ann.patch(`/api/rooms/${dmId}`, { name: 'x' })).status).toBe(400);
    expect((await ann.post(`/api/rooms/${dmId}/members`, { userId: catId })).status).toBe(400);
    expect((await ann.patch(`/api/rooms/${dmId}/members/${bobId}`, { role: 'admin' })).status).toBe(400);
    expect((await ann.delete(`/api/rooms/${dmId}/members/${bobId}`)).status).toBe(400);
    expect((await ann.delete(`/api/rooms/${dmId}/members/${annId}`)).status).toBe(400);
    expect((await ann.post(`/api/rooms/${dmId}/invites`)).status).toBe(400);
    expect((await ann.get(`/api/rooms/${dmId}`)).body.room.members).toHaveLength(2);
  });

  it('is invisible to others (404), who also cannot join it', async () => {
    expect((await cat.get(`/api/rooms/${dmId}`)).status).toBe(404);
    expect((await cat.post(`/api/rooms/${dmId}/join`)).status).toBe(404);
    expect((await cat.patch(`/api/rooms/${dmId}`, { name: 'x' })).status).toBe(404);
    expect(canPost(server.deps.db, dmId, catId)).toBe(false);
  });
});
