/**
 * A change to my account made on one device reaches my other devices at once: an
 * `account` control tells them to refetch my profile or my block list. Nobody else hears it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { RawSocket, sleep, waitFor } from './helpers/sync.ts';

let server: TestServer;
let phone: TestClient, laptop: TestClient, other: TestClient;
let otherId: string;
const open: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  phone = new TestClient(server.url);
  other = new TestClient(server.url);
  await phone.signUp('acc_ann');
  otherId = (await other.signUp('acc_bob')).user.id;
  laptop = new TestClient(server.url);
  await laptop.logIn('acc_ann', undefined, 'laptop');
});
afterAll(async () => {
  for (const s of open) s.close();
  await server.stop();
});

async function socket(c: TestClient): Promise<RawSocket> {
  const s = await RawSocket.connect(server.url, c.token!);
  open.push(s);
  return s;
}
const accountControls = (s: RawSocket) => s.controls.filter((m) => m.type === 'account');

describe('account changes reach the user’s other devices', () => {
  it('profile and block list changes are announced to every device of the user, and only to them', async () => {
    const laptopSock = await socket(laptop);
    const phoneSock = await socket(phone);
    const otherSock = await socket(other);

    expect((await phone.patch('/api/me', { displayName: 'Ann on the go' })).status).toBe(200);
    await waitFor(() => accountControls(laptopSock).length === 1, 5000, 'profile change on the laptop');
    expect(accountControls(laptopSock)[0]).toEqual({ type: 'account', what: 'profile' });
    await waitFor(() => accountControls(phoneSock).length === 1, 5000, 'and on the phone that made it');

    expect((await phone.post('/api/blocks', { userId: otherId })).status).toBe(201);
    await waitFor(() => accountControls(laptopSock).some((m) => m.type === 'account' && m.what === 'blocks'), 5000, 'block on the laptop');
    expect((await phone.delete(`/api/blocks/${otherId}`)).status).toBe(204);
    await waitFor(() => accountControls(laptopSock).filter((m) => m.type === 'account' && m.what === 'blocks').length === 2, 5000, 'unblock');

    // A rejected change announces nothing; the blocked person is never told.
    const before = accountControls(laptopSock).length;
    expect((await phone.patch('/api/me', { displayName: '' })).status).toBe(400);
    await sleep(200);
    expect(accountControls(laptopSock)).toHaveLength(before);
    expect(accountControls(otherSock)).toEqual([]);
  });
});
