import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import type { DomainEvents } from '../../server/src/events.ts';
import { getMembership, listMemberIds, roomPeers, roomsOfUser } from '../../server/src/rooms/membership.ts';
import { canPost } from '../../server/src/rooms/permissions.ts';

type Changed = DomainEvents['roomChanged'][0];
type Removed = DomainEvents['memberRemoved'][0];

let server: TestServer;
const users: Record<string, { client: TestClient; id: string }> = {};
let changes: Changed[] = [];
let removals: Removed[] = [];

beforeAll(async () => {
  server = await startTestServer({ REGISTER_RATE_PER_IP: '1000', LOGIN_RATE_PER_IP: '1000' });
  server.deps.events.on('roomChanged', (e) => changes.push(e));
  server.deps.events.on('memberRemoved', (e) => removals.push(e));
  for (const name of ['owner', 'admin', 'admin2', 'member', 'member2', 'outsider']) {
    const client = new TestClient(server.url);
    users[name] = { client, id: (await client.signUp(name, name.toUpperCase())).user.id };
  }
});
afterAll(() => server.stop());
beforeEach(() => {
  changes = [];
  removals = [];
});

const u = (name: string) => users[name]!;
const as = (name: string) => u(name).client;
const roles = async (roomId: string) =>
  Object.fromEntries(((await as('owner').get(`/api/rooms/${roomId}`)).body.room?.members ?? []).map((m: any) => [m.username, m.role]));

/** A group of owner, admin, admin2 (admins) and member, member2, joined in that order. */
async function makeGroup(): Promise<string> {
  const room = (await as('owner').post('/api/rooms', { name: 'G', memberIds: [u('admin').id, u('admin2').id, u('member').id, u('member2').id] }))
    .body.room;
  for (const a of ['admin', 'admin2']) await as('owner').patch(`/api/rooms/${room.id}/members/${u(a).id}`, { role: 'admin' });
  changes = [];
  return room.id;
}

describe('POST /api/rooms/:id/members', () => {
  it('lets admins add a member (201), idempotently (200), and announces it', async () => {
    const roomId = (await as('owner').post('/api/rooms', { name: 'Adds', memberIds: [u('admin').id] })).body.room.id;
    await as('owner').patch(`/api/rooms/${roomId}/members/${u('admin').id}`, { role: 'admin' });
    changes = [];
    const r = await as('admin').post(`/api/rooms/${roomId}/members`, { userId: u('member').id });
    expect(r.status).toBe(201);
    expect(r.body.room.members.find((m: any) => m.id === u('member').id)).toMatchObject({ role: 'member' });
    expect(changes).toEqual([{ roomId, userIds: [u('owner').id, u('admin').id, u('member').id] }]);
    const again = await as('owner').post(`/api/rooms/${roomId}/members`, { userId: u('member').id });
    expect(again.status).toBe(200);
    expect(again.body.room.members).toHaveLength(3);
    expect(changes).toHaveLength(1);
  });

  it('refuses plain members (403), outsiders (404), unknown users (404), bad bodies (400) and blockers (403)', async () => {
    const roomId = await makeGroup();
    expect((await as('member').post(`/api/rooms/${roomId}/members`, { userId: u('outsider').id })).status).toBe(403);
    expect((await as('outsider').post(`/api/rooms/${roomId}/members`, { userId: u('outsider').id })).status).toBe(404);
    expect((await as('owner').post(`/api/rooms/${roomId}/members`, { userId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).status).toBe(404);
    expect((await as('owner').post(`/api/rooms/${roomId}/members`, {})).status).toBe(400);
    expect((await as('owner').post('/api/rooms/01ARZ3NDEKTSV4RRFFQ69G5FAV/members', { userId: u('outsider').id })).status).toBe(404);

    const grumpy = new TestClient(server.url);
    const grumpyId = (await grumpy.signUp('grumpy')).user.id;
    await grumpy.post('/api/blocks', { userId: u('admin').id });
    const r = await as('admin').post(`/api/rooms/${roomId}/members`, { userId: grumpyId });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('blocked');
    // Someone grumpy has not blocked may add them.
    expect((await as('owner').post(`/api/rooms/${roomId}/members`, { userId: grumpyId })).status).toBe(201);
    expect(changes).toHaveLength(1);
  });

  it('needs a token (401)', async () => {
    expect((await new TestClient(server.url).post('/api/rooms/x/members', { userId: 'y' })).status).toBe(401);
  });
});

describe('PATCH /api/rooms/:id/members/:userId', () => {
  it('lets the owner promote and demote, and announces it', async () => {
    const roomId = await makeGroup();
    const r = await as('owner').patch(`/api/rooms/${roomId}/members/${u('member').id}`, { role: 'admin' });
    expect(r.status).toBe(200);
    expect(r.body.room.members.find((m: any) => m.id === u('member').id).role).toBe('admin');
    await as('owner').patch(`/api/rooms/${roomId}/members/${u('admin').id}`, { role: 'member' });
    expect(await roles(roomId)).toMatchObject({ owner: 'owner', admin: 'member', admin2: 'admin', member: 'admin', member2: 'member' });
    expect(changes).toHaveLength(2);
    expect(changes[0]!.userIds).toHaveLength(5);
  });

  it('transfers ownership: the new owner is the only one, the old becomes admin', async () => {
    const roomId = await makeGroup();
    const r = await as('owner').patch(`/api/rooms/${roomId}/members/${u('member').id}`, { role: 'owner' });
    expect(r.status).toBe(200);
    expect(r.body.room.myRole).toBe('admin');
    expect(await roles(roomId)).toMatchObject({ owner: 'admin', member: 'owner' });
    // The former owner lost the owner's rights.
    expect((await as('owner').patch(`/api/rooms/${roomId}/members/${u('member2').id}`, { role: 'admin' })).status).toBe(403);
  });

  it('is for the owner only (403 for admins and members), and checks its input', async () => {
    const roomId = await makeGroup();
    const path = `/api/rooms/${roomId}/members/${u('member2').id}`;
    expect((await as('admin').patch(path, { role: 'admin' })).status).toBe(403);
    expect((await as('member').patch(path, { role: 'admin' })).status).toBe(403);
    expect((await as('member2').patch(path, { role: 'owner' })).status).toBe(403);
    expect((await as('outsider').patch(path, { role: 'admin' })).status).toBe(404);
    expect((await as('owner').patch(path, { role: 'king' })).status).toBe(400);
    expect((await as('owner').patch(path, {})).status).toBe(400);
    expect((await as('owner').patch(`/api/rooms/${roomId}/members/${u('outsider').id}`, { role: 'admin' })).status).toBe(404);
    expect((await as('owner').patch(`/api/rooms/${roomId}/members/${u('owner').id}`, { role: 'member' })).status).toBe(400);
    expect(await roles(roomId)).toMatchObject({ owner: 'owner', member2: 'member' });
    expect(changes).toEqual([]);
  });
});

describe('DELETE /api/rooms/:id/members/:userId', () => {
  it('lets an admin remove a member, cutting them off and announcing it', async () => {
    const roomId = await makeGroup();
    const r = await as('admin').delete(`/api/rooms/${roomId}/members/${u('member').id}`);
    expect(r.status).toBe(204);
    expect(removals).toEqual([{ roomId, userId: u('member').id }]);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.userIds).toContain(u('member').id);
    expect(changes[0]!.userIds).toHaveLength(5);
    expect((await as('member').get(`/api/rooms/${roomId}`)).status).toBe(404);
    expect(getMembership(server.deps.db, roomId, u('member').id)).toBeUndefined();
    expect(canPost(server.deps.db, roomId, u('member').id)).toBe(false);
  });

  it("stops admins removing admins or the owner, and members removing anyone (403)", async () => {
    const roomId = await makeGroup();
    expect((await as('admin').delete(`/api/rooms/${roomId}/members/${u('admin2').id}`)).status).toBe(403);
    expect((await as('admin').delete(`/api/rooms/${roomId}/members/${u('owner').id}`)).status).toBe(403);
    expect((await as('member').delete(`/api/rooms/${roomId}/members/${u('member2').id}`)).status).toBe(403);
    expect((await as('outsider').delete(`/api/rooms/${roomId}/members/${u('member2').id}`)).status).toBe(404);
    expect((await as('owner').delete(`/api/rooms/${roomId}/members/${u('outsider').id}`)).status).toBe(404);
    expect(removals).toEqual([]);
    // The owner may remove an admin.
    expect((await as('owner').delete(`/api/rooms/${roomId}/members/${u('admin2').id}`)).status).toBe(204);
    expect(Object.keys(await roles(roomId))).toEqual(['owner', 'admin', 'member', 'member2']);
  });

  it('lets a member leave', async () => {
    const roomId = await makeGroup();
    expect((await as('member2').delete(`/api/rooms/${roomId}/members/${u('member2').id}`)).status).toBe(204);
    expect(removals).toEqual([{ roomId, userId: u('member2').id }]);
    expect((await as('member2').get('/api/rooms')).body.rooms.map((r: any) => r.id)).not.toContain(roomId);
  });

  it('hands ownership to the longest-standing admin when the owner leaves', async () => {
    // member joined first, then admin2, then admin; both admins were promoted later,
    // admin first. The longest-standing admin (admin2) inherits, not the oldest member.
    const ids = ['member', 'admin2', 'admin'].map((n) => u(n).id);
    const roomId = (await as('owner').post('/api/rooms', { name: 'Heirs', memberIds: ids })).body.room.id;
    await as('owner').patch(`/api/rooms/${roomId}/members/${u('admin').id}`, { role: 'admin' });
    await as('owner').patch(`/api/rooms/${roomId}/members/${u('admin2').id}`, { role: 'admin' });
    changes = [];
    expect((await as('owner').delete(`/api/rooms/${roomId}/members/${u('owner').id}`)).status).toBe(204);
    expect(await rolesAs('admin', roomId)).toEqual({ member: 'member', admin2: 'owner', admin: 'admin' });
    expect(removals).toEqual([{ roomId, userId: u('owner').id }]);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.userIds.sort()).toEqual([u('owner').id, ...ids].sort());
    expect((await as('owner').get(`/api/rooms/${roomId}`)).status).toBe(404);
  });

  it('hands ownership to the longest-standing member when there is no admin', async () => {
    const roomId = (await as('owner').post('/api/rooms', { name: 'H', memberIds: [u('member').id, u('member2').id] })).body.room.id;
    expect((await as('owner').delete(`/api/rooms/${roomId}/members/${u('owner').id}`)).status).toBe(204);
    expect(await rolesAs('member', roomId)).toEqual({ member: 'owner', member2: 'member' });
    // The new owner runs the room.
    expect((await as('member').patch(`/api/rooms/${roomId}`, { name: 'Mine' })).status).toBe(200);
    expect((await as('member').delete(`/api/rooms/${roomId}/members/${u('member').id}`)).status).toBe(204);
    expect(await rolesAs('member2', roomId)).toEqual({ member2: 'owner' });
    // The last member leaving leaves an empty room.
    expect((await as('member2').delete(`/api/rooms/${roomId}/members/${u('member2').id}`)).status).toBe(204);
    expect(listMemberIds(server.deps.db, roomId)).toEqual([]);
  });

  it('abandons a public group whose last member left: not listed, not joinable, its links dead', async () => {
    const room = (await as('member2').post('/api/rooms', { name: 'Ghost town', visibility: 'public' })).body.room;
    const { token } = (await as('member2').post(`/api/rooms/${room.id}/invites`)).body;
    expect((await as('outsider').get('/api/rooms/public?q=Ghost')).body.rooms).toHaveLength(1);
    expect((await as('member2').delete(`/api/rooms/${room.id}/members/${u('member2').id}`)).status).toBe(204);
    expect((await as('outsider').get('/api/rooms/public?q=Ghost')).body.rooms).toEqual([]);
    expect((await as('outsider').post(`/api/rooms/${room.id}/join`)).status).toBe(404);
    expect((await as('outsider').post(`/api/invites/${token}`)).status).toBe(404);
  });
});

describe('helpers for the sync hub', () => {
  it('answer membership, rooms, peers and write rights', async () => {
    const roomId = await makeGroup();
    const db = server.deps.db;
    expect(getMembership(db, roomId, u('admin').id)).toEqual({ role: 'admin', joinedAt: expect.any(String) });
    expect(getMembership(db, roomId, u('outsider').id)).toBeUndefined();
    expect(listMemberIds(db, roomId)).toEqual(['owner', 'admin', 'admin2', 'member', 'member2'].map((n) => u(n).id));
    expect(roomsOfUser(db, u('member2').id)).toContain(roomId);
    expect(roomsOfUser(db, u('outsider').id)).toEqual([]);
    expect(roomPeers(db, u('outsider').id)).toEqual([]);

    const [p1, p2, p3] = [new TestClient(server.url), new TestClient(server.url), new TestClient(server.url)];
    const [id1, id2, id3] = [(await p1.signUp('peer1')).user.id, (await p2.signUp('peer2')).user.id, (await p3.signUp('peer3')).user.id];
    await p1.post('/api/rooms/dm', { userId: id2 });
    await p1.post('/api/rooms', { name: 'Peers', memberIds: [id2, id3] });
    expect(roomPeers(db, id1).sort()).toEqual([id2, id3].sort());
    expect(roomPeers(db, id3).sort()).toEqual([id1, id2].sort());

    expect(canPost(db, roomId, u('member').id)).toBe(true);
    expect(canPost(db, roomId, u('outsider').id)).toBe(false);
    await as('owner').patch(`/api/rooms/${roomId}`, { onlyAdminsPost: true });
    expect(canPost(db, roomId, u('member').id)).toBe(false);
    expect(canPost(db, roomId, u('admin').id)).toBe(true);
    expect(canPost(db, roomId, u('owner').id)).toBe(true);
  });
});

async function rolesAs(name: string, roomId: string) {
  const r = await as(name).get(`/api/rooms/${roomId}`);
  expect(r.status).toBe(200);
  return Object.fromEntries(r.body.room.members.map((m: any) => [m.username, m.role]));
}
