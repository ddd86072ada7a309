/**
 * Presence and typing in Chromium (DESIGN §3): the online dot and "last seen" in the chat
 * list and the room header, turning offline when the other context closes and when its
 * network stalls (the server's heartbeat notices: HEARTBEAT_S=1); "… is typing…" appearing
 * and going away (on send, after 5 s idle), several names in a group; and the "share
 * online status & typing" switch hiding all of it both ways, on screen and on the wire.
 */
import { test, expect, type Page } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { CHAT_SERVER_ENV, createDm, createGroup, messageArticle, openRoom, registerAccount, send } from './helpers/chat.ts';
import { chatRow, person, roomStatus, setPrivacy } from './helpers/receipts.ts';
import { startStallProxy } from './helpers/stall-proxy.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer({ ...CHAT_SERVER_ENV, HEARTBEAT_S: '1' });
});
test.afterAll(async () => {
  await server?.stop();
});

const onlineDot = (page: Page, name: string) => chatRow(page, name).getByRole('img', { name: 'online' });

test('online, then last seen when the other context closes and when its network stalls', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Here');
  const ben = await registerAccount(request, server.url, 'Ben There');
  const proxy = await startStallProxy(server.url);
  const a = await person(browser, server.url, ann);
  let b = await person(browser, server.url, ben);
  try {
    await createDm(request, server.url, a.token, ben.id);
    await expect(onlineDot(a.page, ben.displayName)).toBeVisible({ timeout: 20_000 });
    await openRoom(a.page, ben.displayName);
    await expect(roomStatus(a.page)).toHaveText('online');

    await b.ctx.close();
    await expect(roomStatus(a.page)).toHaveText('last seen just now');
    await expect(onlineDot(a.page, ben.displayName)).toHaveCount(0);
    await expect(chatRow(a.page, ben.displayName)).toContainText('last seen just now');

    // Ben again, this time behind a link that can stall.
    b = await person(browser, proxy.url, ben);
    await expect(roomStatus(a.page)).toHaveText('online');
    // The network drops without a close: only the server's heartbeat can tell.
    proxy.stall();
    await expect(roomStatus(a.page)).toHaveText('last seen just now', { timeout: 20_000 });
    await expect(onlineDot(a.page, ben.displayName)).toHaveCount(0);
    proxy.resume();
    await expect(roomStatus(a.page)).toHaveText('online', { timeout: 40_000 });
  } finally {
    await a.ctx.close();
    await b.ctx.close();
    await proxy.close();
  }
});

test('typing shows while keys are pressed and goes away on send and after 5 s idle', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Typer');
  const ben = await registerAccount(request, server.url, 'Ben Reader');
  const cy = await registerAccount(request, server.url, 'Cy Typer');
  const a = await person(browser, server.url, ann);
  const b = await person(browser, server.url, ben);
  const c = await person(browser, server.url, cy);
  try {
    await createDm(request, server.url, a.token, ben.id);
    await openRoom(a.page, ben.displayName);
    await openRoom(b.page, ann.displayName);
    await expect(roomStatus(b.page)).toHaveText('online');

    const box = a.page.getByRole('textbox', { name: 'Message' });
    await box.pressSequentially('On my w');
    await expect(roomStatus(b.page)).toHaveText('Ann is typing…');
    await box.pressSequentially('ay');
    await box.press('Enter');
    await expect(messageArticle(b.page, 'On my way')).toBeVisible();
    await expect(roomStatus(b.page)).toHaveText('online');

    // Typing, then nothing: gone after the idle time without a send.
    await box.pressSequentially('hm');
    await expect(roomStatus(b.page)).toHaveText('Ann is typing…');
    await expect(roomStatus(b.page)).toHaveText('online', { timeout: 12_000 });

    // A group names everyone typing.
    await createGroup(request, server.url, a.token, 'Typists', [ben.id, cy.id]);
    for (const p of [a, b, c]) await openRoom(p.page, 'Typists');
    await a.page.getByRole('textbox', { name: 'Message' }).pressSequentially('x');
    await c.page.getByRole('textbox', { name: 'Message' }).pressSequentially('y');
    await expect(roomStatus(b.page)).toHaveText('Ann and Cy are typing…');
    await expect(roomStatus(a.page)).toHaveText('Cy is typing…');
  } finally {
    for (const p of [a, b, c]) await p.ctx.close();
  }
});

test('"share online status & typing" off hides presence, last seen and typing both ways', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Open');
  const ben = await registerAccount(request, server.url, 'Ben Hidden');
  const a = await person(browser, server.url, ann);
  const b = await person(browser, server.url, ben);
  try {
    const roomId = await createDm(request, server.url, a.token, ben.id);
    await expect(onlineDot(a.page, ben.displayName)).toBeVisible({ timeout: 20_000 });
    await expect(onlineDot(b.page, ann.displayName)).toBeVisible();

    const presenceMark = a.wire.controls().length;
    await setPrivacy(b.page, 'Share online status & typing', false);
    await expect(onlineDot(a.page, ben.displayName)).toHaveCount(0);
    await expect(onlineDot(b.page, ann.displayName)).toHaveCount(0);
    await openRoom(a.page, ben.displayName);
    await openRoom(b.page, ann.displayName);
    await expect(roomStatus(a.page)).toHaveText('Direct message');
    await expect(roomStatus(b.page)).toHaveText('Direct message');

    // Typing both ways reaches nobody; the messages themselves do.
    const wireMark = { a: a.wire.awarenessDocs().length, b: b.wire.awarenessDocs().length };
    await a.page.getByRole('textbox', { name: 'Message' }).pressSequentially('psst');
    await b.page.getByRole('textbox', { name: 'Message' }).pressSequentially('shh');
    await a.page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await b.page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(messageArticle(b.page, 'psst')).toBeVisible();
    await expect(messageArticle(a.page, 'shh')).toBeVisible();
    await expect(roomStatus(a.page)).toHaveText('Direct message');
    await expect(roomStatus(b.page)).toHaveText('Direct message');
    const roomDocs = (docs: string[]) => docs.filter((d) => d.startsWith(`room:${roomId}:`));
    expect(roomDocs(a.wire.awarenessDocs().slice(wireMark.a))).toEqual([]);
    expect(roomDocs(b.wire.awarenessDocs().slice(wireMark.b))).toEqual([]);

    // Ben goes away: Ann learns neither that nor when.
    await b.ctx.close();
    await send(a.page, 'anyone?');
    await expect(roomStatus(a.page)).toHaveText('Direct message');
    await expect(chatRow(a.page, ben.displayName)).not.toContainText('last seen');
    // On the wire, every presence Ann got about Ben after the switch says nothing.
    // (From the first hidden state after the switch: earlier ones may include a reconnect's flap.)
    const aboutBen = a.wire.controls().slice(presenceMark).filter((m) => m.type === 'presence' && m.userId === ben.id);
    const afterSwitch = aboutBen.slice(aboutBen.findIndex((m) => m.online === false && m.lastSeen === null));
    expect(afterSwitch.length).toBeGreaterThan(0);
    for (const m of afterSwitch) expect(m).toEqual({ type: 'presence', userId: ben.id, online: false, lastSeen: null });
    // Nor did Ben's socket ever hear Ann's state after the switch.
    const aboutAnn = b.wire.controls().filter((m) => m.type === 'presence' && m.userId === ann.id);
    expect(aboutAnn.at(-1)).toEqual({ type: 'presence', userId: ann.id, online: false, lastSeen: null });
  } finally {
    await a.ctx.close();
    await b.ctx.close().catch(() => {});
  }
});
