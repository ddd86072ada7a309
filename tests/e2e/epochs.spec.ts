/**
 * Epochs on the device (DESIGN §3): a device that wrote offline while others' messages
 * sealed the room's live epoch comes back, is refused (`sealed`) in the old epoch, and
 * moves its pending messages, same keys, into the live one: they arrive exactly once, in
 * the order written, after what arrived meanwhile.
 */
import { test, expect, type WebSocketRoute } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { CHAT_SERVER_ENV, apiPost, createDm, loginContext, messageArticle, messageLog, openRoom, registerAccount, send, texts } from './helpers/chat.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer({ ...CHAT_SERVER_ENV, EPOCH_MAX_MESSAGES: '3' });
});
test.afterAll(async () => {
  await server?.stop();
});

interface ApiMessage {
  text: string;
  seq: number;
  epoch: number;
}

test('messages written offline while the epoch was sealed arrive in the live epoch, exactly once', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Away');
  const ben = await registerAccount(request, server.url, 'Ben Busy');
  const benLogin = await request.post(`${server.url}/api/auth/login`, { data: { username: ben.username, password: ben.password } });
  const benToken = ((await benLogin.json()) as { accessToken: string }).accessToken;

  const ctx = await browser.newContext();
  let down = false;
  const open = new Set<WebSocketRoute>();
  await ctx.routeWebSocket(/\/sync$/, (ws) => {
    if (down) return ws.close({ code: 3000, reason: 'network down' });
    open.add(ws);
    ws.connectToServer();
  });
  try {
    const token = await loginContext(ctx, server.url, ann);
    const roomId = await createDm(request, server.url, token, ben.id);
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    await openRoom(page, ben.displayName);
    await send(page, 'before');
    await expect(messageArticle(page, 'before').getByRole('img', { name: /^(sent|delivered|read)$/ })).toBeVisible();

    // Ann's connection drops; she writes on.
    down = true;
    for (const ws of open) await ws.close({ code: 3000, reason: 'network down' }).catch(() => {});
    open.clear();
    await send(page, 'offline one');
    await send(page, 'offline two');
    await expect(messageLog(page).getByRole('img', { name: 'pending' })).toHaveCount(2);

    // Meanwhile Ben's messages fill epoch 0 (3 messages) and open epoch 1.
    const base = `/api/rooms/${roomId}/messages`;
    for (const text of ['ben 1', 'ben 2', 'ben 3']) await apiPost(request, server.url, benToken, base, { text });
    const room = await request.get(`${server.url}/api/rooms/${roomId}`, { headers: { Authorization: `Bearer ${benToken}` } });
    expect(((await room.json()) as { room: { liveEpoch: number } }).room.liveEpoch).toBe(1);

    down = false;
    await expect(messageLog(page).getByRole('img', { name: 'pending' })).toHaveCount(0, { timeout: 45_000 });
    await expect(messageArticle(page, 'offline two').getByRole('img', { name: /^(sent|delivered|read)$/ })).toBeVisible();

    // On the server: each exactly once, in the live epoch, in the order written, after Ben's.
    const history = await request.get(`${server.url}${base}?limit=50`, { headers: { Authorization: `Bearer ${benToken}` } });
    const msgs = ((await history.json()) as { messages: ApiMessage[] }).messages.reverse();
    expect(msgs.map((m) => m.text)).toEqual(['before', 'ben 1', 'ben 2', 'ben 3', 'offline one', 'offline two']);
    expect(msgs.filter((m) => m.text.startsWith('offline')).map((m) => m.epoch)).toEqual([1, 1]);
    expect(msgs.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // Ann's device shows the same history, once each.
    await expect(messageArticle(page, 'ben 3')).toBeVisible();
    expect(await texts(page)).toEqual(['before', 'ben 1', 'ben 2', 'ben 3', 'offline one', 'offline two']);
    // And still after a reload (nothing left to move, nothing sent twice).
    await page.reload();
    await expect(messageArticle(page, 'offline two')).toBeVisible();
    expect(await texts(page)).toEqual(['before', 'ben 1', 'ben 2', 'ben 3', 'offline one', 'offline two']);
    const again = await request.get(`${server.url}${base}?limit=50`, { headers: { Authorization: `Bearer ${benToken}` } });
    expect(((await again.json()) as { messages: ApiMessage[] }).messages).toHaveLength(6);
  } finally {
    await ctx.close();
  }
});

test('an edit and a delete made offline while the epoch was sealed still reach the server', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Editor');
  const ben = await registerAccount(request, server.url, 'Ben Sealer');
  const benLogin = await request.post(`${server.url}/api/auth/login`, { data: { username: ben.username, password: ben.password } });
  const benToken = ((await benLogin.json()) as { accessToken: string }).accessToken;

  const ctx = await browser.newContext();
  let down = false;
  const open = new Set<WebSocketRoute>();
  await ctx.routeWebSocket(/\/sync$/, (ws) => {
    if (down) return ws.close({ code: 3000, reason: 'network down' });
    open.add(ws);
    ws.connectToServer();
  });
  try {
    const token = await loginContext(ctx, server.url, ann);
    const roomId = await createDm(request, server.url, token, ben.id);
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    await openRoom(page, ben.displayName);
    await send(page, 'see you at noon');
    await send(page, 'wrong chat, sorry');
    await expect(messageArticle(page, 'wrong chat, sorry').getByRole('img', { name: /^(sent|delivered|read)$/ })).toBeVisible();

    // Offline, Ann fixes one message and deletes the other.
    down = true;
    for (const ws of open) await ws.close({ code: 3000, reason: 'network down' }).catch(() => {});
    open.clear();
    const first = messageArticle(page, 'see you at noon');
    await first.hover();
    await first.getByRole('button', { name: 'Edit' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await expect(box).toHaveValue('see you at noon');
    await box.fill('see you at one');
    await box.press('Enter');
    await expect(messageArticle(page, 'see you at one')).toBeVisible();
    const second = messageArticle(page, 'wrong chat, sorry');
    await second.hover();
    await second.getByRole('button', { name: 'Delete' }).click();
    await second.getByRole('alertdialog', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
    await expect(messageArticle(page, 'wrong chat, sorry')).toHaveCount(0);

    // Meanwhile Ben's messages seal epoch 0: Ann's document of it will be refused.
    const base = `/api/rooms/${roomId}/messages`;
    for (const text of ['ben 1', 'ben 2']) await apiPost(request, server.url, benToken, base, { text });
    const room = await request.get(`${server.url}/api/rooms/${roomId}`, { headers: { Authorization: `Bearer ${benToken}` } });
    expect(((await room.json()) as { room: { liveEpoch: number } }).room.liveEpoch).toBe(1);

    down = false;
    await expect(messageArticle(page, 'ben 2')).toBeVisible({ timeout: 45_000 });
    // The server has both changes (sent over REST, as for any sealed epoch).
    const history = async () => {
      const res = await request.get(`${server.url}${base}?limit=50`, { headers: { Authorization: `Bearer ${benToken}` } });
      return ((await res.json()) as { messages: (ApiMessage & { deleted: boolean })[] }).messages.reverse();
    };
    await expect.poll(async () => (await history()).map((m) => (m.deleted ? '(deleted)' : m.text)), { timeout: 20_000 }).toEqual(['see you at one', '(deleted)', 'ben 1', 'ben 2']);
    // Ann's device shows the same, also what Ben wrote into the sealed epoch meanwhile, and after a reload.
    const shown = ['see you at one', 'message deleted', 'ben 1', 'ben 2'];
    await expect(messageArticle(page, 'ben 1')).toBeVisible();
    expect(await texts(page)).toEqual(shown);
    await page.reload();
    await expect(messageArticle(page, 'ben 2')).toBeVisible();
    expect(await texts(page)).toEqual(shown);
  } finally {
    await ctx.close();
  }
});
