/**
 * Chatting in Chromium: real time both ways in a DM and in a group of three, one user on
 * two devices seeing one history in one order, a message posted over REST showing up in
 * an open room, and message text that looks like markup staying text.
 */
import { test, expect } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { CHAT_SERVER_ENV, apiPost, banner, createDm, createGroup, dmOpenOnBoth, messageArticle, messageLog, openRoom, registerAccount, send, signedInPage, texts } from './helpers/chat.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer(CHAT_SERVER_ENV);
});
test.afterAll(async () => {
  await server?.stop();
});

test('two people chat in real time both ways in a DM', async ({ browser, request }) => {
  const { a, b, close } = await dmOpenOnBoth(browser, request, server.url, ['Ann Lee', 'Ben Okafor']);
  try {
    await expect(banner(a.page, 'up to date')).toBeAttached();

    await send(a.page, 'Hi Ben, lunch at one?');
    await expect(messageArticle(b.page, 'Hi Ben, lunch at one?')).toBeVisible();
    // The author sees the server's sequence number arrive: one tick at least (Ben has the
    // room open, so it may already be delivered or read).
    await expect(messageArticle(a.page, 'Hi Ben, lunch at one?').getByRole('img', { name: /^(sent|delivered|read)$/ })).toBeVisible();

    await send(b.page, 'Sure, see you there');
    await expect(messageArticle(a.page, 'Sure, see you there')).toBeVisible();
    await expect(messageArticle(a.page, 'Sure, see you there')).not.toHaveClass(/mine/);
    await expect(messageArticle(b.page, 'Sure, see you there')).toHaveClass(/mine/);
    // Shift+Enter makes a new line instead of sending.
    const box = a.page.getByRole('textbox', { name: 'Message' });
    await box.fill('line one');
    await box.press('Shift+Enter');
    await box.pressSequentially('line two');
    await box.press('Enter');
    await expect(messageArticle(b.page, 'line one\nline two')).toBeVisible();

    expect(await texts(a.page)).toEqual(['Hi Ben, lunch at one?', 'Sure, see you there', 'line one\nline two']);
    expect(await texts(b.page)).toEqual(await texts(a.page));
  } finally {
    await close();
  }
});

test('a message arriving while I type leaves my half-written text alone', async ({ browser, request }) => {
  const { a, b, close } = await dmOpenOnBoth(browser, request, server.url, ['Ann Typing', 'Ben Chatty']);
  try {
    const box = a.page.getByRole('textbox', { name: 'Message' });
    await box.fill('half a thou');
    // Count every time the app empties the box from code (typing never sets '').
    await box.evaluate((el: HTMLTextAreaElement) => {
      const value = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!;
      const w = window as unknown as { emptied: number };
      w.emptied = 0;
      Object.defineProperty(el, 'value', {
        configurable: true,
        get: () => value.get!.call(el) as string,
        set: (v: string) => {
          if (v === '') w.emptied++;
          value.set!.call(el, v);
        },
      });
    });
    await send(b.page, 'ping while you type');
    await send(b.page, 'and another');
    await expect(messageArticle(a.page, 'and another')).toBeVisible();
    await expect(a.page.getByRole('link', { name: /and another/ })).toBeVisible();
    expect(await a.page.evaluate(() => (window as unknown as { emptied: number }).emptied)).toBe(0);
    await box.pressSequentially('ght');
    await box.press('Enter');
    await expect(messageArticle(b.page, 'half a thought')).toBeVisible();
  } finally {
    await close();
  }
});

test('a group of three chats in real time, everyone sees one order', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Group');
  const ben = await registerAccount(request, server.url, 'Ben Group');
  const cara = await registerAccount(request, server.url, 'Cara Group');
  const people = [
    await signedInPage(browser, server.url, ann),
    await signedInPage(browser, server.url, ben),
    await signedInPage(browser, server.url, cara),
  ];
  try {
    await createGroup(request, server.url, people[0]!.token, 'Book club', [ben.id, cara.id]);
    for (const p of people) await openRoom(p.page, 'Book club');

    const lines = ['Ann: chapter three?', 'Ben: yes, finished it', 'Cara: not yet!', 'Ann: Friday then'];
    const senders = [0, 1, 2, 0];
    for (const [i, line] of lines.entries()) {
      await send(people[senders[i]!]!.page, line);
      for (const p of people) await expect(messageArticle(p.page, line)).toBeVisible();
    }
    for (const p of people) expect(await texts(p.page)).toEqual(lines);
    // Group messages from others carry the author's name.
    await expect(messageArticle(people[1]!.page, 'Cara: not yet!')).toContainText('Cara Group');
  } finally {
    for (const p of people) await p.ctx.close();
  }
});

test('one user on two devices sees the same history in the same order', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Devices');
  const ben = await registerAccount(request, server.url, 'Ben Devices');
  const phone = await signedInPage(browser, server.url, ann);
  const laptop = await signedInPage(browser, server.url, ann);
  const b = await signedInPage(browser, server.url, ben);
  try {
    await createDm(request, server.url, phone.token, ben.id);
    for (const p of [phone.page, laptop.page]) await openRoom(p, ben.displayName);
    await openRoom(b.page, ann.displayName);

    await send(phone.page, 'from the phone');
    await send(laptop.page, 'from the laptop');
    await send(b.page, 'from Ben');
    await send(phone.page, 'phone again');
    for (const p of [phone.page, laptop.page, b.page]) await expect(messageArticle(p, 'phone again')).toBeVisible();
    for (const p of [phone.page, laptop.page, b.page]) {
      await expect(messageLog(p).getByRole('img', { name: 'pending' })).toHaveCount(0);
    }
    const order = await texts(phone.page);
    expect(order.sort()).toEqual(['from Ben', 'from the laptop', 'from the phone', 'phone again']);
    expect(await texts(laptop.page)).toEqual(await texts(phone.page));
    expect(await texts(b.page)).toEqual(await texts(phone.page));
    // Both devices show the user's own messages as their own.
    await expect(messageArticle(laptop.page, 'from the phone')).toHaveClass(/mine/);
  } finally {
    for (const p of [phone, laptop, b]) await p.ctx.close();
  }
});

test('a message posted over REST appears in an open room', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Rest');
  const bot = await registerAccount(request, server.url, 'Bot Rest');
  const a = await signedInPage(browser, server.url, ann);
  try {
    const login = await request.post(`${server.url}/api/auth/login`, { data: { username: bot.username, password: bot.password } });
    const botToken = ((await login.json()) as { accessToken: string }).accessToken;
    const roomId = await createDm(request, server.url, botToken, ann.id);
    await openRoom(a.page, bot.displayName);
    await apiPost(request, server.url, botToken, `/api/rooms/${roomId}/messages`, { text: 'Posted by a script' });
    await expect(messageArticle(a.page, 'Posted by a script')).toBeVisible();
    await expect(messageArticle(a.page, 'Posted by a script')).toContainText('Posted by a script');
  } finally {
    await a.ctx.close();
  }
});

test('text that looks like markup is shown as text and runs nothing', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Xss');
  const ben = await registerAccount(request, server.url, 'Ben Xss');
  const a = await signedInPage(browser, server.url, ann);
  const b = await signedInPage(browser, server.url, ben);
  const dialogs: string[] = [];
  for (const p of [a.page, b.page]) p.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
  try {
    await createDm(request, server.url, a.token, ben.id);
    await openRoom(a.page, ben.displayName);
    await openRoom(b.page, ann.displayName);
    const evil = '<img src=x onerror=alert(1)>';
    const link = 'see https://example.com/x and javascript:alert(2)';
    await send(a.page, evil);
    await send(a.page, link);
    for (const p of [a.page, b.page]) {
      await expect(messageArticle(p, evil)).toBeVisible();
      await expect(messageLog(p).locator('img')).toHaveCount(0);
      await expect(messageLog(p).locator('.msg-text').filter({ hasText: 'example.com' }).getByRole('link')).toHaveCount(1);
      await expect(messageLog(p).getByRole('link', { name: 'https://example.com/x' })).toHaveAttribute('href', 'https://example.com/x');
    }
    expect(await texts(b.page)).toEqual([evil, link]);
    expect(dialogs).toEqual([]);
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});
