/**
 * Offline in Chromium. Messages written offline show a clock, survive a reload while still
 * offline, go out by themselves when the connection returns — exactly once, in the order
 * they were written — and turn "sent". Run twice: once with the network stalled
 * (`context.setOffline`: sockets hang without closing, only the heartbeat notices) and once
 * with the sync connection dropped (`context.routeWebSocket`). And after a first visit the
 * app starts with no network and shows the chat list and history.
 */
import { test, expect, type BrowserContext, type Page, type WebSocketRoute } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import {
  CHAT_SERVER_ENV,
  banner,
  controlledByServiceWorker,
  createDm,
  loginContext,
  messageArticle,
  messageLog,
  openRoom,
  recordConsole,
  registerAccount,
  send,
  signedInPage,
  texts,
} from './helpers/chat.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer(CHAT_SERVER_ENV);
});
test.afterAll(async () => {
  await server?.stop();
});

/** A way to cut a context off the server and let it back. */
interface Outage {
  name: string;
  /** Called before the first page of the context opens. */
  prepare(ctx: BrowserContext): Promise<void>;
  cut(ctx: BrowserContext): Promise<void>;
  restore(ctx: BrowserContext): Promise<void>;
}

const stalled: Outage = {
  name: 'the network stalls (setOffline)',
  prepare: async () => {},
  cut: (ctx) => ctx.setOffline(true),
  restore: (ctx) => ctx.setOffline(false),
};

function dropped(): Outage {
  let down = false;
  const open = new Set<WebSocketRoute>();
  return {
    name: 'the sync connection drops (routeWebSocket)',
    async prepare(ctx) {
      await ctx.routeWebSocket(/\/sync$/, (ws) => {
        // 3000 is an ordinary close: not one of the fatal 4xxx codes, so the app retries.
        if (down) return ws.close({ code: 3000, reason: 'network down' });
        open.add(ws);
        ws.connectToServer();
      });
    },
    async cut() {
      down = true;
      for (const ws of open) await ws.close({ code: 3000, reason: 'network down' }).catch(() => {});
      open.clear();
    },
    async restore() {
      down = false;
    },
  };
}

/** A message the server has stored: sent, and maybe already delivered or read (Ben's room is open). */
const ON_SERVER = /^(sent|delivered|read)$/;

for (const make of [() => stalled, dropped]) {
  const outage = make();
  test(`messages written offline go out once, in order, when ${outage.name}`, async ({ browser, request }) => {
    const ann = await registerAccount(request, server.url, 'Ann Offline');
    const ben = await registerAccount(request, server.url, 'Ben Online');
    const actx = await browser.newContext();
    await outage.prepare(actx);
    const token = await loginContext(actx, server.url, ann);
    const a = await actx.newPage();
    const log = recordConsole(a, 'Ann');
    const b = await signedInPage(browser, server.url, ben);
    try {
      await createDm(request, server.url, token, ben.id);
      await a.goto(`${server.url}/`);
      await controlledByServiceWorker(a);
      await openRoom(a, ben.displayName);
      await openRoom(b.page, ann.displayName);
      await send(a, 'before the tunnel');
      await expect(messageArticle(b.page, 'before the tunnel')).toBeVisible();
      await expect(messageArticle(a, 'before the tunnel').getByRole('img', { name: ON_SERVER })).toBeVisible();

      await outage.cut(actx);
      const lines = ['one', 'two', 'three', 'four', 'five'].map((w) => `offline ${w}`);
      for (const line of lines) await send(a, line);
      for (const line of lines) await expect(messageArticle(a, line).getByRole('img', { name: 'pending' })).toBeVisible();

      // Still offline: the reload is served by the service worker, the messages by IndexedDB.
      await a.reload();
      await expect(a.getByRole('heading', { name: ben.displayName })).toBeVisible();
      await expect(messageLog(a).getByRole('img', { name: 'pending' })).toHaveCount(5);
      expect(await texts(a)).toEqual(['before the tunnel', ...lines]);
      await expect(banner(a, 'up to date')).toHaveCount(0);
      expect(await texts(b.page)).toEqual(['before the tunnel']);

      await outage.restore(actx);
      await expect(messageLog(a).getByRole('img', { name: ON_SERVER })).toHaveCount(6, { timeout: 45_000 });
      await expect(messageLog(a).getByRole('img', { name: 'pending' })).toHaveCount(0);
      await expect(messageArticle(b.page, 'offline five')).toBeVisible();
      // Exactly once each, in the order they were written, on both sides.
      expect(await texts(b.page)).toEqual(['before the tunnel', ...lines]);
      expect(await texts(a)).toEqual(['before the tunnel', ...lines]);
      await expect(banner(a, 'up to date')).toBeAttached();
    } catch (e) {
      log.dump();
      throw e;
    } finally {
      await actx.close();
      await b.ctx.close();
    }
  });
}

test('after a first visit the app starts offline and shows the chats and their history', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Start');
  const ben = await registerAccount(request, server.url, 'Ben Start');
  const a = await signedInPage(browser, server.url, ann);
  const b = await signedInPage(browser, server.url, ben);
  try {
    await createDm(request, server.url, a.token, ben.id);
    await controlledByServiceWorker(a.page);
    await openRoom(a.page, ben.displayName);
    await openRoom(b.page, ann.displayName);
    await send(b.page, 'history from Ben');
    await send(a.page, 'history from Ann');
    await expect(messageArticle(a.page, 'history from Ben')).toBeVisible();
    await expect(messageArticle(a.page, 'history from Ann').getByRole('img', { name: ON_SERVER })).toBeVisible();

    await a.ctx.setOffline(true);
    const page: Page = await a.ctx.newPage();
    await a.page.close();
    const res = await page.goto(`${server.url}/`);
    expect(res?.fromServiceWorker()).toBe(true);
    await expect(page).toHaveURL(`${server.url}/`);
    await expect(page.getByRole('navigation', { name: 'Chats' })).toContainText('history from Ann');
    await openRoom(page, ben.displayName);
    expect(await texts(page)).toEqual(['history from Ben', 'history from Ann']);
    await expect(banner(page, 'up to date')).toHaveCount(0);
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});
