import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import type { DomainEvents } from '../../server/src/events.ts';

let server: TestServer;
let ann: TestClient, bob: TestClient, cat: TestClient;
let annId: string, bobId: string, catId: string;
const changes: DomainEvents['roomChanged'][0][] = [];

beforeAll(async () => {
  server = await startTestServer({ REGISTER_RATE_PER_IP: '1000', LOGIN_RATE_PER_IP: '1000' });
  server.deps.events.on('roomChanged', (e) => changes.push(e));
  [ann, bob, cat] = [0, 1, 2].map(() => new TestClient(server.url)) as [TestClient, TestClient, TestClient];
  annId = (await ann.signUp('ann', 'Ann A')).user.id;
  bobId = (await bob.signUp('bob', 'Bob B')).user.id;
  catId = (await cat.signUp('cat', 'Cat C')).user.id;
});
afterAll(() => server.stop());

const problem = (r: { status: number; headers: Headers; body: any }, status: number, code?: string) => {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  if (code) expect(r.body.code).toBe(code);
};

describe('POST /api/rooms', () => {
  it('creates a group with the creator as owner and announces it', async () => {
    const before = changes.length;
    const r = await ann.post('/api/rooms', { name: '  Hikers ', memberIds: [bobId, bobId, annId], visibility: 'private' });
    expect(r.status).toBe(201);
    const room = r.body.room;
    expect(room).toMatchObject({
      kind: 'group', name: 'Hikers', visibility: 'private', onlyAdminsPost: false, myRole: 'owner',
      lastMessage: null, unread: 0, liveEpoch: 0,
    });
    expect(room.members.map((m: any) => [m.username, m.role])).toEqual([['ann', 'owner'], ['bob', 'member']]);
    expect(room.members[0]).toEqual({ id: annId, username: 'ann', displayName: 'Ann A', role: 'owner', joinedAt: expect.any(String) });
    expect(changes.slice(before)).toEqual([{ roomId: room.id, userIds: [annId, bobId] }]);
  });

  it('defaults to a private group with only the creator', async () => {
    const r = await ann.post('/api/rooms', { name: 'Solo' });
    expect(r.status).toBe(201);
    expect(r.body.room).toMatchObject({ visibility: 'private', members: [{ id: annId, role: 'owner' }] });
  });

  it('validates the body (400)', async () => {
    problem(await ann.post('/api/rooms', { memberIds: [] }), 400, 'bad_request');
    problem(await ann.post('/api/rooms', { name: '   ' }), 400);
    problem(await ann.post('/api/rooms', { name: 'x'.repeat(81) }), 400);
    problem(await ann.post('/api/rooms', { name: 'ok', visibility: 'secret' }), 400);
    problem(await ann.post('/api/rooms', { name: 'ok', memberIds: 'bob' }), 400);
    problem(await ann.req('POST', '/api/rooms', '{not json', { 'Content-Type': 'application/json' }), 400);
  });

  it('names unknown member ids (400)', async () => {
    const r = await ann.post('/api/rooms', { name: 'Ghosts', memberIds: [bobId, 'NOPE1', 'NOPE2'] });
    problem(r, 400, 'bad_request');
    expect(r.body.detail).toContain('NOPE1');
    expect(r.body.detail).toContain('NOPE2');
    expect(r.body.detail).not.toContain(bobId);
  });

  it('refuses members who blocked the creator (403 blocked)', async () => {
    const dot = new TestClient(server.url);
    const dotId = (await dot.signUp('dot', 'Dot')).user.id;
    await dot.post('/api/blocks', { userId: annId });
    const r = await ann.post('/api/rooms', { name: 'Nope', memberIds: [bobId, dotId] });
    problem(r, 403, 'blocked');
    expect(r.body.detail).toContain(dotId);
    // Blocking works one way: dot may still add ann.
    expect((await dot.post('/api/rooms', { name: 'Fine', memberIds: [annId] })).status).toBe(201);
  });

  it('needs a token (401)', async () => {
    const anon = new TestClient(server.url);
    problem(await anon.post('/api/rooms', { name: 'x' }), 401);
    problem(await anon.get('/api/rooms'), 401);
    problem(await anon.get('/api/rooms/public'), 401);
    problem(await anon.req('GET', '/api/rooms', undefined, { Authorization: 'Bearer nonsense' }), 401);
  });
});

describe('GET /api/rooms and /api/rooms/:id', () => {
  it("lists exactly the caller's rooms, newest first, with members and my role", async () => {
    const eli = new TestClient(server.url);
    await eli.signUp('eli', 'Eli');
    expect((await eli.get('/api/rooms')).body).toEqual({ rooms: [] });
    const one = (await eli.post('/api/rooms', { name: 'One', memberIds: [catId] })).body.room;
    const two = (await eli.post('/api/rooms', { name: 'Two' })).body.room;
    const dm = (await eli.post('/api/rooms/dm', { userId: bobId })).body.room;
    const mine = (await eli.get('/api/rooms')).body.rooms;
    expect(mine.map((r: any) => r.id)).toEqual([dm.id, two.id, one.id]);
    expect(mine.find((r: any) => r.id === dm.id)).toMatchObject({ kind: 'dm', name: 'Bob B', myRole: 'member' });
    const catsView = (await cat.get('/api/rooms')).body.rooms.find((r: any) => r.id === one.id);
    expect(catsView).toMatchObject({ name: 'One', myRole: 'member', unread: 0, lastMessage: null });
    expect(catsView.members).toHaveLength(2);
    expect((await bob.get('/api/rooms')).body.rooms.map((r: any) => r.id)).not.toContain(one.id);
  });

  it('shows a room with its live epoch to members, 404 to outsiders of private rooms, 403 to outsiders of public ones', async () => {
    const priv = (await ann.post('/api/rooms', { name: 'Private', memberIds: [bobId] })).body.room;
    const pub = (await ann.post('/api/rooms', { name: 'Open', visibility: 'public' })).body.room;
    const seen = await bob.get(`/api/rooms/${priv.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.room).toMatchObject({ id: priv.id, liveEpoch: 0, myRole: 'member' });
    problem(await cat.get(`/api/rooms/${priv.id}`), 404, 'not_found');
    problem(await cat.get('/api/rooms/01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'not_found');
    problem(await cat.get(`/api/rooms/${pub.id}`), 403, 'forbidden');
  });
});

describe('PATCH /api/rooms/:id', () => {
  let roomId: string;
  beforeAll(async () => {
    roomId = (await ann.post('/api/rooms', { name: 'Club', memberIds: [bobId, catId] })).body.room.id;
    await ann.patch(`/api/rooms/${roomId}/members/${bobId}`, { role: 'admin' });
  });

  it('lets the owner and admins rename and change settings, and announces it', async () => {
    const before = changes.length;
    const r = await ann.patch(`/api/rooms/${roomId}`, { name: 'Book club', visibility: 'public' });
    expect(r.status).toBe(200);
    expect(r.body.room).toMatchObject({ name: 'Book club', visibility: 'public', onlyAdminsPost: false });
    expect(changes.slice(before)).toEqual([{ roomId, userIds: expect.arrayContaining([annId, bobId, catId]) }]);
    const byAdmin = await bob.patch(`/api/rooms/${roomId}`, { onlyAdminsPost: true, visibility: 'private' });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.room).toMatchObject({ name: 'Book club', visibility: 'private', onlyAdminsPost: true });
    expect((await cat.get(`/api/rooms/${roomId}`)).body.room.onlyAdminsPost).toBe(true);
  });

  it('refuses plain members (403), outsiders (404) and bad bodies (400)', async () => {
    problem(await cat.patch(`/api/rooms/${roomId}`, { name: 'Mine now' }), 403, 'forbidden');
    const outsider = new TestClient(server.url);
    await outsider.signUp('fay');
    problem(await outsider.patch(`/api/rooms/${roomId}`, { name: 'x' }), 404);
    problem(await ann.patch(`/api/rooms/${roomId}`, {}), 400);
    problem(await ann.patch(`/api/rooms/${roomId}`, { name: '' }), 400);
    problem(await ann.patch(`/api/rooms/${roomId}`, { onlyAdminsPost: 'yes' }), 400);
    problem(await ann.patch(`/api/rooms/${roomId}`, { name: 'x', owner: catId }), 400);
    problem(await ann.patch('/api/rooms/01ARZ3NDEKTSV4RRFFQ69G5FAV', { name: 'x' }), 404);
    expect((await ann.get(`/api/rooms/${roomId}`)).body.room.name).toBe('Book club');
  });
});

describe('public groups', () => {
  let search: TestServer;
  let a: TestClient, b: TestClient;
  beforeAll(async () => {
    // A server of its own, so the listing holds only what this block creates.
    search = await startTestServer({ REGISTER_RATE_PER_IP: '1000', LOGIN_RATE_PER_IP: '1000' });
    a = new TestClient(search.url);
    b = new TestClient(search.url);
    await a.signUp('alpha');
    await b.signUp('beta');
  });
  afterAll(() => search.stop());

  it('finds public groups by name, prefix matches first, never private ones or DMs', async () => {
    await a.post('/api/rooms', { name: 'Home cooking', visibility: 'public' });
    await a.post('/api/rooms', { name: 'Cooking club', visibility: 'public' });
    await a.post('/api/rooms', { name: 'Cook secrets', visibility: 'private' });
    await a.post('/api/rooms', { name: '100%_cook', visibility: 'public' });
    const r = await b.get('/api/rooms/public?q=COOK');
    expect(r.status).toBe(200);
    expect(r.body.rooms.map((x: any) => x.name)).toEqual(['Cooking club', '100%_cook', 'Home cooking']);
    expect(r.body.rooms[0]).toEqual({ id: expect.any(String), name: 'Cooking club', memberCount: 1, isMember: false });
    expect((await a.get('/api/rooms/public?q=cook')).body.rooms.every((x: any) => x.isMember)).toBe(true);
    // LIKE wildcards in the query are literal characters.
    expect((await b.get('/api/rooms/public?q=%25_')).body.rooms.map((x: any) => x.name)).toEqual(['100%_cook']);
    problem(await b.get(`/api/rooms/public?q=${'x'.repeat(81)}`), 400);
  });

  it('lists at most 50', async () => {
    for (let i = 0; i < 52; i++) await a.post('/api/rooms', { name: `Group ${String(i).padStart(2, '0')}`, visibility: 'public' });
    const all = (await b.get('/api/rooms/public')).body.rooms;
    expect(all).toHaveLength(50);
  });

  it('joins a public group (idempotent) and announces the new member', async () => {
    const room = (await a.post('/api/rooms', { name: 'Runners', visibility: 'public' })).body.room;
    const seen: DomainEvents['roomChanged'][0][] = [];
    search.deps.events.on('roomChanged', (e) => seen.push(e));
    const joined = await b.post(`/api/rooms/${room.id}/join`);
    expect(joined.status).toBe(200);
    expect(joined.body.room).toMatchObject({ id: room.id, myRole: 'member' });
    expect(joined.body.room.members).toHaveLength(2);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.userIds).toHaveLength(2);
    const again = await b.post(`/api/rooms/${room.id}/join`);
    expect(again.status).toBe(200);
    expect(again.body.room.members).toHaveLength(2);
    expect(seen).toHaveLength(1);
    expect((await b.get('/api/rooms/public?q=Runners')).body.rooms[0]).toMatchObject({ memberCount: 2, isMember: true });
  });

  it("can't join a private group without an invite (404), nor an unknown room", async () => {
    const room = (await a.post('/api/rooms', { name: 'Hidden' })).body.room;
    problem(await b.post(`/api/rooms/${room.id}/join`), 404);
    problem(await b.post('/api/rooms/01ARZ3NDEKTSV4RRFFQ69G5FAV/join'), 404);
    expect((await a.get(`/api/rooms/${room.id}`)).body.room.members).toHaveLength(1);
  });
});
