/**
 * Blocking and moderation in Chromium with three people (issue 7): a block in a DM (the
 * blocked writer's message shows one tick at most and never reaches the blocker, not even
 * after the unblock; the next one is delivered normally), the hidden-in-group placeholder
 * and its reveal, an admin's delete seen by others as "removed by an admin", and
 * admins-only posting (no composer for plain members, and the server refuses them).
 */
import { test, expect, type Page } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { CHAT_SERVER_ENV, type Account, createDm, createGroup, dmOpenOnBoth, messageArticle, messageLog, openRoom, registerAccount, send, signedInPage, texts } from './helpers/chat.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer(CHAT_SERVER_ENV);
});
test.afterAll(async () => {
  await server?.stop();
});

/** Confirms the open dialog with its button `label`. */
async function confirmDialog(page: Page, label: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: label, exact: true }).click();
  await expect(dialog).toHaveCount(0);
}

async function apiStatus(request: import('@playwright/test').APIRequestContext, method: 'post' | 'delete', path: string, token: string, data?: unknown): Promise<number> {
  const res = await request[method](`${server.url}${path}`, { data, headers: { Authorization: `Bearer ${token}` } });
  return res.status();
}

test('a block in a DM: the blocked writer sees one tick at most, the blocker nothing, even after the unblock', async ({ browser, request }) => {
  const { ben, a, b, close } = await dmOpenOnBoth(browser, request, server.url, ['Ann Blocker', 'Ben Blocked']);
  try {
    await send(b.page, 'hello before');
    await expect(messageArticle(a.page, 'hello before')).toBeVisible();

    // Ann blocks Ben from the DM's header, after a confirmation.
    await a.page.getByRole('button', { name: `Block ${ben.displayName}` }).click();
    await confirmDialog(a.page, 'Block');
    await expect(a.page.getByRole('button', { name: `Unblock ${ben.displayName}` })).toBeVisible();

    await send(b.page, 'are you there?');
    const refused = messageArticle(b.page, 'are you there?');
    // Refused by the server: kept on Ben's device as sent, never more, and no error shown.
    await expect(refused.getByRole('img', { name: 'sent' })).toBeVisible({ timeout: 20_000 });
    await expect(b.page.getByRole('alert')).toHaveCount(0);
    // It left Ben's room document: a reload still shows it, still one tick.
    await b.page.reload();
    await expect(messageArticle(b.page, 'are you there?').getByRole('img', { name: 'sent' })).toBeVisible();
    expect(await texts(b.page)).toEqual(['hello before', 'are you there?']);

    await a.page.getByRole('button', { name: `Unblock ${ben.displayName}` }).click();
    await confirmDialog(a.page, 'Unblock');
    await expect(a.page.getByRole('button', { name: `Block ${ben.displayName}` })).toBeVisible();

    // After the unblock Ben's next message goes through normally…
    await send(b.page, 'after the unblock');
    await expect(messageArticle(a.page, 'after the unblock')).toBeVisible();
    await expect(messageArticle(b.page, 'after the unblock').getByRole('img', { name: /^(sent|delivered|read)$/ })).toBeVisible();
    await expect(messageArticle(b.page, 'after the unblock').getByRole('img', { name: /^(delivered|read)$/ })).toBeVisible({ timeout: 20_000 });
    // …and the refused one never arrives, not even on a fresh load of Ann's app.
    await a.page.reload();
    await expect(messageArticle(a.page, 'after the unblock')).toBeVisible();
    expect(await texts(a.page)).toEqual(['hello before', 'after the unblock']);
    const history = await request.get(`${server.url}/api/rooms/${await dmId(request, a.token, ben.id)}/messages`, { headers: { Authorization: `Bearer ${a.token}` } });
    expect(((await history.json()) as { messages: { text: string }[] }).messages.map((m) => m.text)).toEqual(['after the unblock', 'hello before']);
    // On Ben's side the refused message stays, with one tick, never delivered.
    await expect(messageArticle(b.page, 'are you there?').getByRole('img', { name: 'sent' })).toBeVisible();
    await expect(messageArticle(b.page, 'are you there?').getByRole('img', { name: /^(delivered|read)$/ })).toHaveCount(0);
  } finally {
    await close();
  }
});

async function dmId(request: import('@playwright/test').APIRequestContext, token: string, otherId: string): Promise<string> {
  return createDm(request, server.url, token, otherId);
}

test.describe('groups', () => {
  let ann: Account, ben: Account, cat: Account;
  let annToken: string, benToken: string, catToken: string;
  let groupId: string;
  let a: Awaited<ReturnType<typeof signedInPage>>, b: Awaited<ReturnType<typeof signedInPage>>, c: Awaited<ReturnType<typeof signedInPage>>;

  test.beforeEach(async ({ browser, request }) => {
    ann = await registerAccount(request, server.url, 'Ann Admin');
    ben = await registerAccount(request, server.url, 'Ben Member');
    cat = await registerAccount(request, server.url, 'Cat Member');
    a = await signedInPage(browser, server.url, ann);
    b = await signedInPage(browser, server.url, ben);
    c = await signedInPage(browser, server.url, cat);
    [annToken, benToken, catToken] = [a.token, b.token, c.token];
    groupId = await createGroup(request, server.url, annToken, 'Book club', [ben.id, cat.id]);
    for (const p of [a.page, b.page, c.page]) await openRoom(p, 'Book club');
  });
  test.afterEach(async () => {
    for (const p of [a, b, c]) await p?.ctx.close();
  });

  test('the blocker sees a blocked member’s messages behind a placeholder, and can reveal them', async ({ request }) => {
    // Ann blocks Ben from another device (the API): her open tab learns it at once, no reload.
    await send(b.page, 'before the block');
    await expect(messageArticle(a.page, 'before the block')).toBeVisible();
    expect(await apiStatus(request, 'post', '/api/blocks', annToken, { userId: ben.id })).toBe(201);
    await expect(messageLog(a.page).getByText('message from a blocked user', { exact: true })).toHaveCount(1);
    await expect(messageLog(a.page).getByText('before the block')).toHaveCount(0);

    await send(b.page, 'spoiler: the butler did it');
    await send(c.page, 'no spoilers please');
    // Cat, who blocked nobody, and Ben himself see the message as usual.
    await expect(messageArticle(c.page, 'spoiler: the butler did it')).toBeVisible();
    await expect(messageArticle(b.page, 'spoiler: the butler did it').getByRole('img', { name: /^(sent|delivered|read)$/ })).toBeVisible();
    await expect(b.page.getByText('message from a blocked user')).toHaveCount(0);

    await expect(messageArticle(a.page, 'no spoilers please')).toBeVisible();
    await expect(messageLog(a.page).getByText('message from a blocked user', { exact: true })).toHaveCount(2);
    await expect(messageLog(a.page).getByText('spoiler: the butler did it')).toHaveCount(0);
    await messageLog(a.page).getByRole('button', { name: 'Show' }).last().click();
    await expect(messageArticle(a.page, 'spoiler: the butler did it')).toBeVisible();
    await expect(messageLog(a.page).getByText('message from a blocked user', { exact: true })).toHaveCount(1);

    // Nor does the chat list give it away: not in the preview, not in search results.
    await send(b.page, 'the gardener helped');
    const chats = a.page.getByRole('navigation', { name: 'Chats' });
    await expect(chats.getByRole('link', { name: /Book club/ })).toContainText('Message from a blocked user');
    await expect(chats).not.toContainText('gardener');
    await chats.getByRole('searchbox', { name: 'Search chats and messages' }).fill('butler');
    await expect(chats.getByText('No messages match “butler”.')).toBeVisible();
    await chats.getByRole('searchbox', { name: 'Search chats and messages' }).fill('spoilers');
    await expect(chats.getByRole('list', { name: 'Messages found in all chats' })).toContainText('no spoilers please');
    // The same in the room's own search.
    await a.page.getByRole('button', { name: 'Search in this chat' }).click();
    await a.page.getByRole('searchbox', { name: 'Search in this chat' }).fill('gardener');
    await expect(a.page.getByText('No messages match “gardener”.')).toBeVisible();
  });

  test('an admin removes someone’s message; the others see "removed by an admin"', async () => {
    await send(b.page, 'buy cheap watches');
    const onAnn = messageArticle(a.page, 'buy cheap watches');
    await expect(onAnn).toBeVisible();
    await onAnn.hover();
    await onAnn.getByRole('button', { name: 'Delete' }).click();
    await onAnn.getByRole('alertdialog', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
    for (const p of [a.page, b.page, c.page]) {
      await expect(messageLog(p).getByText('removed by an admin', { exact: true })).toBeVisible();
      await expect(messageLog(p).getByText('buy cheap watches')).toHaveCount(0);
    }
  });

  test('admins-only posting: plain members get no composer, and the server refuses them', async ({ request }) => {
    await a.page.getByRole('link', { name: 'Room info' }).click();
    await a.page.getByRole('switch', { name: /Only admins can post/ }).check();
    await expect(a.page.getByRole('switch', { name: /Only admins can post/ })).toBeChecked();

    for (const p of [b.page, c.page]) {
      await expect(p.getByText('Only admins can send messages', { exact: true })).toBeVisible({ timeout: 20_000 });
      await expect(p.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
    }
    expect(await apiStatus(request, 'post', `/api/rooms/${groupId}/messages`, catToken, { text: 'let me in' })).toBe(403);
    expect(await apiStatus(request, 'post', `/api/rooms/${groupId}/messages`, benToken, { text: 'me neither' })).toBe(403);

    // The admin still posts, and everyone reads it.
    await a.page.getByRole('link', { name: 'Back to the chat' }).click();
    await send(a.page, 'announcement');
    await expect(messageArticle(c.page, 'announcement')).toBeVisible();
    expect(await texts(c.page)).toEqual(['announcement']);
  });
});
