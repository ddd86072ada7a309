/**
 * Message info over REST: when each other member received and read one of my messages.
 * Devices move their delivered watermark in the room document and their read position in
 * their private document, as the PWA does; the server notes when each watermark moved,
 * and a message counts as delivered or read from the first moment a watermark reached it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { connectDevice, sleep, type Device } from './helpers/sync.ts';
import { expectProblem } from './helpers/expect-problem.ts';
import { roomDocName, userDocName } from '#shared/room-doc/names';
import { markDelivered } from '#shared/room-doc/ops';
import { markRead } from '#shared/room-doc/user-doc';
import type { MessageReceiptsResponse } from '#shared/api/messages';

let server: TestServer;
let ann: TestClient, bo: TestClient, cy: TestClient, dee: TestClient;
let annId: string, boId: string, cyId: string;
let roomId: string;
const ids: string[] = [];
const open: Device[] = [];

beforeAll(async () => {
  server = await startTestServer();
  [ann, bo, cy, dee] = [0, 1, 2, 3].map(() => new TestClient(server.url)) as [TestClient, TestClient, TestClient, TestClient];
  annId = (await ann.signUp('ann_mi')).user.id;
  boId = (await bo.signUp('bo_mi')).user.id;
  cyId = (await cy.signUp('cy_mi')).user.id;
  await dee.signUp('dee_mi');
  roomId = (await ann.post('/api/rooms', { name: 'Info', memberIds: [boId, cyId] })).body.room.id;
  for (let i = 1; i <= 3; i++) ids.push((await ann.post(`/api/rooms/${roomId}/messages`, { text: `m${i}` })).body.message.id);
});
afterAll(async () => {
  for (const d of open) d.close();
  await server.stop();
});

/** A device of `who` that writes delivered and read watermarks like the PWA. */
async function device(who: TestClient, userId: string, deviceId: string) {
  const d = connectDevice(server.url, () => who.token!);
  open.push(d);
  const room = roomDocName(roomId, 0);
  const user = userDocName(userId);
  const roomDoc = d.doc(room);
  const userDoc = d.doc(user);
  await d.client.until(() => d.client.isSynced(room) && d.client.isSynced(user));
  return {
    async delivered(seq: number) {
      markDelivered(roomDoc, userId, deviceId, seq);
      await d.client.until(() => d.client.isAcked(room));
    },
    async read(seq: number) {
      markRead(userDoc, roomId, deviceId, seq, Date.now());
      await d.client.until(() => d.client.isAcked(user));
    },
  };
}

const info = async (id: string, as = ann) => {
  const r = await as.get(`/api/rooms/${roomId}/messages/${id}/receipts`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as MessageReceiptsResponse;
};
const who = (list: { userId: string }[]) => list.map((t) => t.userId).sort();
const at = (list: { userId: string; at: string | null }[], userId: string) => list.find((t) => t.userId === userId)?.at;

describe('message info: delivered and read, with times', () => {
  it('lists nobody before any device got the message', async () => {
    const r = await info(ids[0]!);
    expect(r).toMatchObject({ messageId: ids[0], seq: 1, delivered: [], read: [] });
  });

  it('gives each member the moment their watermark first reached the message', async () => {
    const boPhone = await device(bo, boId, 'bo-phone');
    const before = new Date().toISOString();
    await boPhone.delivered(1);
    await sleep(30);
    const middle = new Date().toISOString();
    await boPhone.delivered(3);
    await boPhone.read(2);

    const first = await info(ids[0]!);
    expect(who(first.delivered)).toEqual([boId]);
    expect(at(first.delivered, boId)! >= before && at(first.delivered, boId)! < middle).toBe(true);
    expect(who(first.read)).toEqual([boId]);
    expect(at(first.read, boId)! >= middle).toBe(true);

    // Message 3 came with the later watermark and is not read yet.
    const third = await info(ids[2]!);
    expect(at(third.delivered, boId)! >= middle).toBe(true);
    expect(third.read).toEqual([]);
  });

  it('takes the earliest of a user’s devices, and a visible read counts as delivered', async () => {
    const cyLaptop = await device(cy, cyId, 'cy-laptop');
    await cyLaptop.read(1); // read (from history) before any delivered watermark was written
    const cyPhone = await device(cy, cyId, 'cy-phone');
    await sleep(30);
    await cyPhone.delivered(1);
    const r = await info(ids[0]!);
    expect(who(r.delivered)).toEqual([boId, cyId].sort());
    expect(at(r.delivered, cyId)).toBe(at(r.read, cyId));
  });

  it('hides read times of a member who does not share read receipts, but not delivery', async () => {
    expect((await cy.patch('/api/me', { settings: { shareReadReceipts: false } })).status).toBe(200);
    const r = await info(ids[0]!);
    expect(who(r.read)).toEqual([boId]);
    expect(who(r.delivered)).toContain(cyId);
    // Reciprocal: an author who stops sharing sees no read times at all.
    await cy.patch('/api/me', { settings: { shareReadReceipts: true } });
    await ann.patch('/api/me', { settings: { shareReadReceipts: false } });
    expect((await info(ids[0]!)).read).toEqual([]);
    await ann.patch('/api/me', { settings: { shareReadReceipts: true } });
    expect(who((await info(ids[0]!)).read)).toEqual([boId, cyId].sort());
  });

  it('leaves out the delivery time of a member who does not share presence', async () => {
    expect((await bo.patch('/api/me', { settings: { sharePresence: false } })).status).toBe(200);
    const r = await info(ids[0]!);
    expect(who(r.delivered)).toContain(boId);
    expect(at(r.delivered, boId)).toBeNull();
    expect(at(r.delivered, cyId)).toEqual(expect.any(String));
    await bo.patch('/api/me', { settings: { sharePresence: true } });
    expect(at((await info(ids[0]!)).delivered, boId)).toEqual(expect.any(String));
  });

  it('is for the author only, of a message that exists, in a room of theirs', async () => {
    expectProblem(await bo.get(`/api/rooms/${roomId}/messages/${ids[0]}/receipts`), 403, 'forbidden');
    expectProblem(await ann.get(`/api/rooms/${roomId}/messages/01HZZZZZZZZZZZZZZZZZZZZZZZ/receipts`), 404, 'not_found');
    const outsider = await dee.get(`/api/rooms/${roomId}/messages/${ids[0]}/receipts`);
    expect([403, 404]).toContain(outsider.status);
  });
});
