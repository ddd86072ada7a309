/**
 * Receipts in Chromium (DESIGN §3): a message goes sent → delivered (the other device
 * has it, while its app only shows the chat list) → read (seen in the open room); a group
 * counts "read by N of M"; unread counts clear across one user's two devices; and the
 * "share read receipts" switch hides read positions both ways, on screen and on the wire.
 */
import { test, expect } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { CHAT_SERVER_ENV, createDm, createGroup, messageArticle, openRoom, registerAccount, send } from './helpers/chat.ts';
import { chatRow, expectTick, openInfo, person, setPrivacy, unreadBadge } from './helpers/receipts.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer(CHAT_SERVER_ENV);
});
test.afterAll(async () => {
  await server?.stop();
});

test('sent, then delivered while the other app shows the chat list, then read when the room is open', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Tick');
  const ben = await registerAccount(request, server.url, 'Ben Tick');
  const b = await person(browser, server.url, ben);
  const a = await person(browser, server.url, ann);
  try {
    await createDm(request, server.url, a.token, ben.id);
    await openRoom(a.page, ben.displayName);
    await expect(chatRow(b.page, ann.displayName)).toBeVisible({ timeout: 20_000 });

    // Ben's device is offline: the message reaches the server (one tick) but not him.
    await b.ctx.setOffline(true);
    await send(a.page, 'Are you there?');
    await expectTick(a.page, 'Are you there?', 'sent');
    await b.ctx.setOffline(false);

    // Back online, still on the chat list: his device has it, so two ticks.
    await expect(unreadBadge(b.page, ann.displayName)).toHaveAccessibleName('1 unread', { timeout: 30_000 });
    await expectTick(a.page, 'Are you there?', 'delivered');
    expect(new URL(b.page.url()).pathname).toBe('/');

    // He opens the chat: read, and his unread count is gone.
    await openRoom(b.page, ann.displayName);
    await expect(messageArticle(b.page, 'Are you there?')).toBeVisible();
    await expectTick(a.page, 'Are you there?', 'read');
    await expect(unreadBadge(b.page, ann.displayName)).toHaveCount(0);
    // His own reply stays his: no tick on Ann's side for messages she didn't write.
    await send(b.page, 'Yes!');
    await expect(messageArticle(a.page, 'Yes!')).toBeVisible();
    await expect(messageArticle(a.page, 'Yes!').locator('.msg-state')).toHaveCount(0);
    await expectTick(b.page, 'Yes!', 'read');
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});

test('a group of three counts "read by N of M" and turns read when everyone has read', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Three');
  const ben = await registerAccount(request, server.url, 'Ben Three');
  const cy = await registerAccount(request, server.url, 'Cy Three');
  const a = await person(browser, server.url, ann);
  const b = await person(browser, server.url, ben);
  const c = await person(browser, server.url, cy);
  try {
    await createGroup(request, server.url, a.token, 'Tick club', [ben.id, cy.id]);
    await openRoom(a.page, 'Tick club');
    await expect(chatRow(c.page, 'Tick club')).toBeVisible({ timeout: 20_000 });
    await openRoom(b.page, 'Tick club');

    await send(a.page, 'Minutes are up');
    await expect(messageArticle(b.page, 'Minutes are up')).toBeVisible();
    // Delivered to both (Cy only has the chat list open), read by Ben alone.
    await expectTick(a.page, 'Minutes are up', 'delivered');
    let info = await openInfo(a.page, 'Minutes are up');
    await expect(info.getByRole('heading', { name: 'Read by 1 of 2' })).toBeVisible();
    await expect(info.getByRole('region', { name: 'Read by 1 of 2' })).toContainText('Ben Three');
    await expect(info.getByRole('region', { name: /Delivered, not read yet: 1/ })).toContainText('Cy Three');
    await expect(info.getByRole('heading', { name: 'Not delivered yet: 0' })).toBeVisible();
    // And when, from the server: Ben's read time, Cy's delivery time.
    const recent = /(today|yesterday) \d/;
    await expect(info.getByRole('region', { name: 'Read by 1 of 2' }).getByRole('listitem').filter({ hasText: 'Ben Three' }).locator('time')).toHaveText(recent);
    await expect(info.getByRole('region', { name: /Delivered, not read yet/ }).getByRole('listitem').filter({ hasText: 'Cy Three' }).locator('time')).toHaveText(recent);
    await info.getByRole('button', { name: 'Close' }).click();
    await expect(info).toBeHidden();

    await openRoom(c.page, 'Tick club');
    await expectTick(a.page, 'Minutes are up', 'read');
    info = await openInfo(a.page, 'Minutes are up');
    await expect(info.getByRole('heading', { name: 'Read by 2 of 2' })).toBeVisible();
    await expect(info.getByRole('region', { name: 'Read by 2 of 2' }).locator('time')).toHaveCount(2);
    await info.press('Escape');
  } finally {
    for (const p of [a, b, c]) await p.ctx.close();
  }
});

test('reading on one device clears the unread count on the other device of the same user', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Devices');
  const ben = await registerAccount(request, server.url, 'Ben Devices');
  const a = await person(browser, server.url, ann);
  const phone = await person(browser, server.url, ben);
  const laptop = await person(browser, server.url, ben);
  try {
    await createDm(request, server.url, a.token, ben.id);
    await openRoom(a.page, ben.displayName);
    await send(a.page, 'One');
    await send(a.page, 'Two');
    for (const p of [phone, laptop]) await expect(unreadBadge(p.page, ann.displayName)).toHaveAccessibleName('2 unread', { timeout: 20_000 });

    await openRoom(phone.page, ann.displayName);
    await expect(messageArticle(phone.page, 'Two')).toBeVisible();
    await expect(unreadBadge(laptop.page, ann.displayName)).toHaveCount(0);

    // A new message counts again on both, and reading it on the laptop clears the phone's.
    // The phone leaves the room, so it doesn't read what comes next.
    await phone.page.getByRole('link', { name: 'Settings' }).click();
    await expect(phone.page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await send(a.page, 'Three');
    await expect(unreadBadge(laptop.page, ann.displayName)).toHaveAccessibleName('1 unread');
    await expect(unreadBadge(phone.page, ann.displayName)).toHaveAccessibleName('1 unread');
    await openRoom(laptop.page, ann.displayName);
    await expect(unreadBadge(phone.page, ann.displayName)).toHaveCount(0);
  } finally {
    for (const p of [a, phone, laptop]) await p.ctx.close();
  }
});

test('"share read receipts" off hides read positions both ways; delivered still works', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Private');
  const ben = await registerAccount(request, server.url, 'Ben Private');
  const a = await person(browser, server.url, ann);
  const b = await person(browser, server.url, ben);
  try {
    await createDm(request, server.url, a.token, ben.id);
    await openRoom(a.page, ben.displayName);
    await expect(chatRow(b.page, ann.displayName)).toBeVisible({ timeout: 20_000 });
    await setPrivacy(b.page, 'Share read receipts', false);

    // Ben reads Ann's message: she sees two grey ticks, never blue.
    await send(a.page, 'Secret reading?');
    await expectTick(a.page, 'Secret reading?', 'delivered');
    await openRoom(b.page, ann.displayName);
    await expect(messageArticle(b.page, 'Secret reading?')).toBeVisible();
    // Reciprocal: Ann reads Ben's message, and he doesn't see that either.
    await send(b.page, 'Nothing to see');
    await expect(messageArticle(a.page, 'Nothing to see')).toBeVisible();
    await expectTick(b.page, 'Nothing to see', 'delivered');
    // A later message both have read settles it: Ben's own read position did move.
    await send(a.page, 'Still there?');
    await expect(messageArticle(b.page, 'Still there?')).toBeVisible();
    await expectTick(a.page, 'Still there?', 'delivered');
    await expect.poll(() => a.page.evaluate(() => document.querySelectorAll('.msg-state.read').length)).toBe(0);
    await expect.poll(() => b.page.evaluate(() => document.querySelectorAll('.msg-state.read').length)).toBe(0);
    const info = await openInfo(b.page, 'Nothing to see');
    await expect(info).toContainText('Read receipts are off');
    await info.press('Escape');

    // On the wire: no receipts control at either side ever names the other.
    const named = (p: typeof a, id: string) => p.wire.controls().filter((m) => m.type === 'receipts' && id in (m.reads as Record<string, number>));
    expect(named(a, ben.id)).toEqual([]);
    expect(named(b, ann.id)).toEqual([]);

    // Turned back on, Ann's message is read at once (Ben's position was kept privately).
    await setPrivacy(b.page, 'Share read receipts', true);
    await expectTick(a.page, 'Still there?', 'read');
    expect(named(a, ben.id).length).toBeGreaterThan(0);
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});
