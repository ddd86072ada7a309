/**
 * One writing tab per user (DESIGN §8, Web Locks): a second tab of the same browser
 * profile shows "Parley is open in another tab" and opens no sync connection; "Use here"
 * moves Parley to it and the first tab pauses; closing the active tab hands the lock to no
 * one silently, so the next tab that opens is the active one; logging out in one tab logs
 * out all.
 */
import { test, expect, type BrowserContext, type Page, type WebSocket } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { logoutViaUi } from './helpers/ui.ts';
import { CHAT_SERVER_ENV, banner, createDm, loginContext, messageArticle, openRoom, recordConsole, registerAccount, send, signedInPage } from './helpers/chat.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer(CHAT_SERVER_ENV);
});
test.afterAll(async () => {
  await server?.stop();
});

/** A page of `ctx` whose sync sockets are recorded from its first request on. */
async function tab(ctx: BrowserContext): Promise<{ page: Page; sockets: WebSocket[] }> {
  const page = await ctx.newPage();
  const sockets: WebSocket[] = [];
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).pathname === '/sync') sockets.push(ws);
  });
  return { page, sockets };
}

const otherTabHeading = (page: Page) => page.getByRole('heading', { name: 'Parley is open in another tab' });
const chatsShown = (page: Page) => page.getByRole('link', { name: 'New chat' });

test('a second tab waits for "Use here", then takes over and the first tab pauses', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Tabs');
  const ben = await registerAccount(request, server.url, 'Ben Tabs');
  const ctx = await browser.newContext();
  const token = await loginContext(ctx, server.url, ann);
  const b = await signedInPage(browser, server.url, ben);
  const first = await tab(ctx);
  const logs = [recordConsole(first.page, 'Ann tab 1')];
  try {
    await createDm(request, server.url, token, ben.id);
    await first.page.goto(`${server.url}/`);
    await openRoom(first.page, ben.displayName);
    await openRoom(b.page, ann.displayName);
    expect(first.sockets).toHaveLength(1);

    const second = await tab(ctx);
    logs.push(recordConsole(second.page, 'Ann tab 2'));
    await second.page.goto(`${server.url}/`);
    await expect(otherTabHeading(second.page)).toBeVisible();
    await expect(chatsShown(second.page)).toHaveCount(0);
    // The first tab still works, and the second opened no sync connection meanwhile.
    await send(b.page, 'for the first tab');
    await expect(messageArticle(first.page, 'for the first tab')).toBeVisible();
    expect(second.sockets).toHaveLength(0);

    await second.page.getByRole('button', { name: 'Use here' }).click();
    await expect(otherTabHeading(first.page)).toBeVisible();
    await expect(chatsShown(first.page)).toHaveCount(0);
    await expect.poll(() => first.sockets[0]!.isClosed()).toBe(true);
    await expect(chatsShown(second.page)).toBeVisible();
    await openRoom(second.page, ben.displayName);
    await expect(messageArticle(second.page, 'for the first tab')).toBeVisible();
    await send(second.page, 'from the second tab');
    await expect(messageArticle(b.page, 'from the second tab')).toBeVisible();
    await send(b.page, 'for the second tab');
    await expect(messageArticle(second.page, 'for the second tab')).toBeVisible();
    expect(second.sockets).toHaveLength(1);
    expect(first.sockets).toHaveLength(1);

    // Closing the active tab frees the lock, and the paused tab does not take it by itself:
    // a tab opened next is the active one.
    await second.page.close();
    const third = await tab(ctx);
    logs.push(recordConsole(third.page, 'Ann tab 3'));
    await third.page.goto(`${server.url}/`);
    await expect(chatsShown(third.page)).toBeVisible();
    await expect(otherTabHeading(first.page)).toBeVisible();
    expect(first.sockets).toHaveLength(1);

    // And "Use here" goes back the other way too.
    await first.page.getByRole('button', { name: 'Use here' }).click();
    await expect(otherTabHeading(third.page)).toBeVisible();
    await expect(first.page.getByRole('textbox', { name: 'Message' })).toBeVisible();
    await send(first.page, 'back in the first tab');
    await expect(messageArticle(b.page, 'back in the first tab')).toBeVisible();
    expect(first.sockets).toHaveLength(2);

    // Logging out in the active tab logs out the paused one too.
    await logoutViaUi(first.page);
    await expect(third.page.getByRole('heading', { name: 'Log in' })).toBeVisible();
    await expect(otherTabHeading(third.page)).toHaveCount(0);
  } catch (e) {
    for (const log of logs) log.dump();
    throw e;
  } finally {
    await ctx.close();
    await b.ctx.close();
  }
});

test('a reloaded active tab stays the active one', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Reload');
  const a = await signedInPage(browser, server.url, ann);
  try {
    for (let i = 0; i < 3; i++) {
      // Connected first: a reload that cuts a token refresh short signs out (refresh tokens
      // rotate), which is not what this test is about.
      await expect(banner(a.page, 'up to date')).toBeAttached();
      await a.page.reload();
      await expect(chatsShown(a.page)).toBeVisible();
    }
    await expect(banner(a.page, 'up to date')).toBeAttached();
  } finally {
    await a.ctx.close();
  }
});
