/**
 * Epochs on the device (DESIGN §3): a device that wrote offline while others' messages
 * sealed the room's live epoch comes back, is refused (`sealed`) in the old epoch, and
 * moves its pending messages, same keys, into the live one: they arrive exactly once, in
 * the order written, after what arrived meanwhile.
 */
import { test, expect, type APIRequestContext, type Browser, type WebSocketRoute } from '@playwright/test';
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

/**
 * Ann in a DM with Ben, her page open on it, behind a sync connection the test can cut
 * (`routeWebSocket`); Ben writes over REST. `close()` ends Ann's context.
 */
async function annOffBen(browser: Browser, request: APIRequestContext, names: [string, string]) {
  const ann = await registerAccount(request, server.url, names[0]);
  const ben = await registerAccount(request, server.url, names[1]);
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
  const token = await loginContext(ctx, server.url, ann);
  const roomId = await createDm(request, server.url, token, ben.id);
  const page = await ctx.newPage();
  await page.goto(`${server.url}/`);
  await openRoom(page, ben.displayName);
  const base = `/api/rooms/${roomId}/messages`;
  return {
    page,
    base,
    async cut() {
      down = true;
      for (const ws of open) await ws.close({ code: 3000, reason: 'network down' }).catch(() => {});
      open.clear();
    },
    restore() {
      down = false;
    },
    /** Ben's messages, over REST; then the room's live epoch. */
    async benWrites(texts: string[]): Promise<number> {
      for (const text of texts) await apiPost(request, server.url, benToken, base, { text });
      const room = await request.get(`${server.url}/api/rooms/${roomId}`, { headers: { Authorization: `Bearer ${benToken}` } });
      return ((await room.json()) as { room: { liveEpoch: number } }).room.liveEpoch;
    },
    /** The room's history as the server has it, oldest first. */
    async history(): Promise<(ApiMessage & { deleted: boolean })[]> {
      const res = await request.get(`${server.url}${base}?limit=50`, { headers: { Authorization: `Bearer ${benToken}` } });
      return ((await res.json()) as { messages: (ApiMessage & { deleted: boolean })[] }).messages.reverse();
    },
    close: () => ctx.close(),
  };
}

test('messages written offline while the epoch was sealed arrive in the live epoch, exactly once', async ({ browser, request }) => {
  const ann = await annOffBen(browser, request, ['Ann Away', 'Ben Busy']);
  const { page } = ann;
  try {
    await send(page, 'before');
    await expect(messageArticle(page, 'before').getByRole('img', { name: /^(sent|delivered|read)$/ })).toBeVisible();

    // Ann's connection drops; she writes on.
    await ann.cut();
    await send(page, 'offline one');
    await send(page, 'offline two');
    await expect(messageLog(page).getByRole('img', { name: 'pending' })).toHaveCount(2);

    // Meanwhile Ben's messages fill epoch 0 (3 messages) and open epoch 1.
    expect(await ann.benWrites(['ben 1', 'ben 2', 'ben 3'])).toBe(1);

    ann.restore();
    await expect(messageLog(page).getByRole('img', { name: 'pending' })).toHaveCount(0, { timeout: 45_000 });
    await expect(messageArticle(page, 'offline two').getByRole('img', { name: /^(sent|delivered|read)$/ })).toBeVisible();

    // On the server: each exactly once, in the live epoch, in the order written, after Ben's.
    const msgs = await ann.history();
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
    expect(await ann.history()).toHaveLength(6);
  } finally {
    await ann.close();
  }
});

test('an edit and a delete made offline while the epoch was sealed still reach the server', async ({ browser, request }) => {
  const ann = await annOffBen(browser, request, ['Ann Editor', 'Ben Sealer']);
  const { page } = ann;
  try {
    await send(page, 'see you at noon');
    await send(page, 'wrong chat, sorry');
    await expect(messageArticle(page, 'wrong chat, sorry').getByRole('img', { name: /^(sent|delivered|read)$/ })).toBeVisible();

    // Offline, Ann fixes one message and deletes the other.
    await ann.cut();
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
    expect(await ann.benWrites(['ben 1', 'ben 2'])).toBe(1);

    ann.restore();
    await expect(messageArticle(page, 'ben 2')).toBeVisible({ timeout: 45_000 });
    // The server has both changes (sent over REST, as for any sealed epoch).
    await expect
      .poll(async () => (await ann.history()).map((m) => (m.deleted ? '(deleted)' : m.text)), { timeout: 20_000 })
      .toEqual(['see you at one', '(deleted)', 'ben 1', 'ben 2']);
    // Ann's device shows the same, also what Ben wrote into the sealed epoch meanwhile, and after a reload.
    const shown = ['see you at one', 'message deleted', 'ben 1', 'ben 2'];
    await expect(messageArticle(page, 'ben 1')).toBeVisible();
    expect(await texts(page)).toEqual(shown);
    await page.reload();
    await expect(messageArticle(page, 'ben 2')).toBeVisible();
    expect(await texts(page)).toEqual(shown);
  } finally {
    await ann.close();
  }
});
