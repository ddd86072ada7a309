import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import type { DomainEvents } from '../../server/src/events.ts';

let server: TestServer;
let owner: TestClient, admin: TestClient, member: TestClient, guest: TestClient, other: TestClient;
let adminId: string, memberId: string, guestId: string;
let roomId: string;
const changes: DomainEvents['roomChanged'][0][] = [];

beforeAll(async () => {
  server = await startTestServer({ REGISTER_RATE_PER_IP: '1000', LOGIN_RATE_PER_IP: '1000' });
  server.deps.events.on('roomChanged', (e) => changes.push(e));
  [owner, admin, member, guest, other] = [0, 1, 2, 3, 4].map(() => new TestClient(server.url)) as TestClient[] as [
    TestClient, TestClient, TestClient, TestClient, TestClient,
  ];
  await owner.signUp('owner');
  adminId = (await admin.signUp('admin')).user.id;
  memberId = (await member.signUp('member')).user.id;
  guestId = (await guest.signUp('guest', 'Guest')).user.id;
  await other.signUp('other');
  roomId = (await owner.post('/api/rooms', { name: 'Secret garden', memberIds: [adminId, memberId] })).body.room.id;
  await owner.patch(`/api/rooms/${roomId}/members/${adminId}`, { role: 'admin' });
});
afterAll(() => server.stop());

describe('invite links', () => {
  it("a private group can't be joined without one", async () => {
    const r = await guest.post(`/api/rooms/${roomId}/join`);
    expect(r.status).toBe(404);
    expect((await guest.get(`/api/rooms/${roomId}`)).status).toBe(404);
  });

  it('admins create them (201 {token, url}) on the server origin', async () => {
    const r = await admin.post(`/api/rooms/${roomId}/invites`);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), url: `${server.url}/invite/${r.body.token}` });
  });

  it('use PUBLIC_URL for the link when configured', async () => {
    const config = server.deps.config;
    const saved = config.publicUrl;
    config.publicUrl = 'https://parley.example/';
    try {
      const r = await owner.post(`/api/rooms/${roomId}/invites`);
      expect(r.body.url).toBe(`https://parley.example/invite/${r.body.token}`);
    } finally {
      config.publicUrl = saved;
    }
  });

  it('are refused to plain members (403) and outsiders (404), and need a token (401)', async () => {
    const r = await member.post(`/api/rooms/${roomId}/invites`);
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect((await member.get(`/api/rooms/${roomId}/invites`)).status).toBe(403);
    expect((await guest.post(`/api/rooms/${roomId}/invites`)).status).toBe(404);
    expect((await new TestClient(server.url).post(`/api/rooms/${roomId}/invites`)).status).toBe(401);
    expect((await new TestClient(server.url).post('/api/invites/whatever')).status).toBe(401);
  });

  it('show where they lead, then let the holder join (200), idempotently', async () => {
    const { token } = (await owner.post(`/api/rooms/${roomId}/invites`)).body;
    const preview = await guest.get(`/api/invites/${token}`);
    expect(preview.status).toBe(200);
    expect(preview.body.room).toEqual({ id: roomId, name: 'Secret garden', memberCount: 3, isMember: false });

    const before = changes.length;
    const joined = await guest.post(`/api/invites/${token}`);
    expect(joined.status).toBe(200);
    expect(joined.body.room).toMatchObject({ id: roomId, myRole: 'member', visibility: 'private' });
    expect(joined.body.room.members.map((m: any) => m.id)).toContain(guestId);
    expect(changes.slice(before)).toEqual([{ roomId, userIds: expect.arrayContaining([guestId, adminId, memberId]) }]);
    expect((await guest.get('/api/rooms')).body.rooms.map((r: any) => r.id)).toContain(roomId);

    const again = await guest.post(`/api/invites/${token}`);
    expect(again.status).toBe(200);
    expect(again.body.room.members).toHaveLength(4);
    expect(changes.length).toBe(before + 1);
  });

  it('are listed for admins', async () => {
    const r = await admin.get(`/api/rooms/${roomId}/invites`);
    expect(r.status).toBe(200);
    expect(r.body.invites.length).toBeGreaterThanOrEqual(3);
    expect(r.body.invites[0]).toEqual({ token: expect.any(String), url: expect.any(String), createdBy: expect.any(String), createdAt: expect.any(String) });
  });

  it('are revocable (204): a revoked token is 404, like an unknown one', async () => {
    const { token } = (await admin.post(`/api/rooms/${roomId}/invites`)).body;
    expect((await member.delete(`/api/rooms/${roomId}/invites/${token}`)).status).toBe(403);
    expect((await admin.delete(`/api/rooms/${roomId}/invites/${token}`)).status).toBe(204);
    expect((await admin.delete(`/api/rooms/${roomId}/invites/${token}`)).status).toBe(204);
    expect((await admin.get(`/api/rooms/${roomId}/invites`)).body.invites.map((i: any) => i.token)).not.toContain(token);

    const used = await other.post(`/api/invites/${token}`);
    expect(used.status).toBe(404);
    expect(used.body.code).toBe('not_found');
    expect((await other.get(`/api/invites/${token}`)).status).toBe(404);
    expect((await other.post('/api/invites/no-such-token')).status).toBe(404);
    expect((await other.get(`/api/rooms/${roomId}`)).status).toBe(404);
  });

  it("can't be revoked through another room (404)", async () => {
    const { token } = (await owner.post(`/api/rooms/${roomId}/invites`)).body;
    const elsewhere = (await admin.post('/api/rooms', { name: 'Mine' })).body.room.id;
    expect((await admin.delete(`/api/rooms/${elsewhere}/invites/${token}`)).status).toBe(404);
    expect((await admin.delete(`/api/rooms/${roomId}/invites/unknown`)).status).toBe(404);
    expect((await other.get(`/api/invites/${token}`)).status).toBe(200);
  });

  it('let a removed member back in while the link is live (removal is not a ban; revoke the link for that)', async () => {
    const { token } = (await owner.post(`/api/rooms/${roomId}/invites`)).body;
    expect((await owner.delete(`/api/rooms/${roomId}/members/${guestId}`)).status).toBe(204);
    expect((await guest.get(`/api/rooms/${roomId}`)).status).toBe(404);
    expect((await guest.post(`/api/invites/${token}`)).status).toBe(200);
    expect((await guest.get(`/api/rooms/${roomId}`)).body.room.myRole).toBe('member');
  });
});
