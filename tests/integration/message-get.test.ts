/**
 * `GET /api/rooms/:id/messages/:messageId`: one stored message, how devices refetch what a
 * `changed` control names (an edit or delete in a sealed epoch, DESIGN §3). Members only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { expectProblem } from './helpers/expect-problem.ts';
import { newId } from '#shared/ids';

let server: TestServer;
let gus: TestClient, hal: TestClient, ivy: TestClient;
let roomId: string;

beforeAll(async () => {
  server = await startTestServer({ EPOCH_MAX_MESSAGES: '2' });
  gus = new TestClient(server.url);
  hal = new TestClient(server.url);
  ivy = new TestClient(server.url);
  await gus.signUp('gus');
  const halId = (await hal.signUp('hal')).user.id;
  await ivy.signUp('ivy');
  roomId = (await gus.post('/api/rooms', { name: 'Sealed', memberIds: [halId] })).body.room.id;
});
afterAll(async () => {
  await server.stop();
});

describe('GET /api/rooms/:id/messages/:messageId', () => {
  it('returns a sealed epoch’s message as it is now, edits and admin deletes included', async () => {
    const first = (await gus.post(`/api/rooms/${roomId}/messages`, { text: 'first' })).body.message;
    const second = (await hal.post(`/api/rooms/${roomId}/messages`, { text: 'second' })).body.message;
    await gus.post(`/api/rooms/${roomId}/messages`, { text: 'third' });
    expect((await gus.get(`/api/rooms/${roomId}`)).body.room.liveEpoch).toBe(1);

    expect((await gus.patch(`/api/rooms/${roomId}/messages/${first.id}`, { text: 'first, edited' })).status).toBe(200);
    const r = await hal.get(`/api/rooms/${roomId}/messages/${first.id}`);
    expect(r.status).toBe(200);
    expect(r.body.message).toMatchObject({ id: first.id, roomId, text: 'first, edited', epoch: 0, seq: 1, deleted: false });
    expect(r.body.message.editedAt).not.toBeNull();

    expect((await gus.delete(`/api/rooms/${roomId}/messages/${second.id}`)).status).toBe(204);
    const d = await gus.get(`/api/rooms/${roomId}/messages/${second.id}`);
    expect(d.body.message).toMatchObject({ id: second.id, seq: 2, epoch: 0, deleted: true, text: '' });
    expect(d.body.message.deletedBy).toBeTruthy();
  });

  it('answers 404 for an unknown message and refuses non-members', async () => {
    expectProblem(await gus.get(`/api/rooms/${roomId}/messages/${newId()}`), 404, 'not_found');
    const any = (await gus.get(`/api/rooms/${roomId}/messages?limit=1`)).body.messages[0];
    const outsider = await ivy.get(`/api/rooms/${roomId}/messages/${any.id}`);
    expect([403, 404]).toContain(outsider.status);
    expect(outsider.body.message).toBeUndefined();
  });
});
