/**
 * Only the rooms on screen keep their document loaded (DESIGN §8). A room the app does not
 * show is loaded when a message arrives, projected (unread count), acknowledged as
 * delivered, and released again; the device then stores what the released copy holds
 * (`meta` `doc-state:<doc>`, `dirty: false`), which only a release writes. The open room
 * is loaded and stays so (`dirty: true` until it is released).
 */
import { test, expect, type Page } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { CHAT_SERVER_ENV, createDm, openRoom, registerAccount, send } from './helpers/chat.ts';
import { chatRow, expectTick, person, unreadBadge } from './helpers/receipts.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer(CHAT_SERVER_ENV);
});
test.afterAll(async () => {
  await server?.stop();
});

/** The stored state of a room document on the device: `dirty` is false only after a release. */
function docState(page: Page, userId: string, roomId: string): Promise<{ dirty: boolean } | null> {
  return page.evaluate(
    ([db, key]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(db);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('meta').objectStore('meta').get(key);
          get.onsuccess = () => {
            open.result.close();
            const v = get.result?.value as { dirty: boolean } | undefined;
            resolve(v ? { dirty: v.dirty } : null);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    [`parley-${userId}`, `doc-state:room:${roomId}:0`] as const,
  );
}

test('a room not on screen is loaded for what arrives, then released; the open one stays loaded', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Dormant');
  const ben = await registerAccount(request, server.url, 'Ben Dormant');
  const b = await person(browser, server.url, ben);
  const a = await person(browser, server.url, ann);
  try {
    const roomId = await createDm(request, server.url, a.token, ben.id);
    await openRoom(a.page, ben.displayName);
    await expect(chatRow(b.page, ann.displayName)).toBeVisible({ timeout: 20_000 });

    // Ben's app shows the chat list: the message wakes the room, which goes back to sleep.
    await send(a.page, 'Wake up');
    await expect(unreadBadge(b.page, ann.displayName)).toHaveAccessibleName('1 unread', { timeout: 30_000 });
    await expectTick(a.page, 'Wake up', 'delivered');
    await expect.poll(() => docState(b.page, ben.id, roomId), { timeout: 20_000 }).toEqual({ dirty: false });

    // Ann's room is on her screen: loaded (`dirty`) and never released while open.
    expect(await docState(a.page, ann.id, roomId)).toEqual({ dirty: true });

    // Ben opens it: loaded for the screen; leaving it releases it again.
    await openRoom(b.page, ann.displayName);
    await expect.poll(() => docState(b.page, ben.id, roomId), { timeout: 20_000 }).toEqual({ dirty: true });
    await send(b.page, 'Awake');
    await expectTick(b.page, 'Awake', 'read');
    await b.page.goBack();
    await expect(chatRow(b.page, ann.displayName)).toBeVisible();
    await expect.poll(() => docState(b.page, ben.id, roomId), { timeout: 20_000 }).toEqual({ dirty: false });
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});
