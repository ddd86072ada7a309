/**
 * Attachments in Chromium (issue 6): an image sent while offline waits on the device
 * (through a reload), goes up by itself when the network is back and reaches the other
 * member as an image; once seen, it is still there offline (service worker cache); a slow
 * upload shows a progress bar; other files show as a card with name, size and download.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { CHAT_SERVER_ENV, controlledByServiceWorker, createDm, dmOpenOnBoth, messageLog, openRoom, registerAccount, signedInPage } from './helpers/chat.ts';
import { gradientPng, noisePng } from './helpers/png.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer({ ...CHAT_SERVER_ENV, MAX_UPLOAD_MB: '1' });
});
test.afterAll(async () => {
  await server?.stop();
});

interface FileSpec {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** Picks files with the Attach button (the real file chooser). */
async function attach(page: Page, ...files: FileSpec[]): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach' }).click()]);
  await chooser.setFiles(files);
}

async function sendAttached(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);
}

/** The image of the message whose attachment is called `name`. */
const imageIn = (page: Page, name: string): Locator => messageLog(page).locator(`img[alt="${name}"]`);
/** The message (article) that shows the attachment called `name`. */
const articleWith = (page: Page, name: string): Locator => messageLog(page).getByRole('article').filter({ has: page.locator(`img[alt="${name}"]`) });

/** Waits until an `<img>` has decoded real pixels. */
async function expectLoaded(img: Locator): Promise<void> {
  await expect(img).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 30_000 }).toBe(true);
}

test('an image sent offline waits through a reload, reaches the other member, and stays viewable offline', async ({ browser, request }, testInfo) => {
  const ann = await registerAccount(request, server.url, 'Ann Pictures');
  const ben = await registerAccount(request, server.url, 'Ben Pictures');
  const a = await signedInPage(browser, server.url, ann);
  const b = await signedInPage(browser, server.url, ben);
  try {
    await createDm(request, server.url, a.token, ben.id);
    await controlledByServiceWorker(a.page);
    await controlledByServiceWorker(b.page);
    await openRoom(a.page, ben.displayName);
    await openRoom(b.page, ann.displayName);

    await a.ctx.setOffline(true);
    await attach(a.page, { name: 'sunset.png', mimeType: 'image/png', buffer: gradientPng() });
    await expect(a.page.getByRole('list', { name: 'Files to send' })).toContainText('sunset.png');
    await sendAttached(a.page);
    // At once, from the device: the local copy, a clock, and why it waits.
    await expectLoaded(imageIn(a.page, 'sunset.png'));
    const mine = articleWith(a.page, 'sunset.png');
    await expect(mine.getByRole('img', { name: 'pending' })).toBeVisible();
    await expect(mine).toContainText('Waiting for connection…');
    await shoot(a.page, testInfo, 'waiting-desktop');

    // The file waits in IndexedDB: a reload (served by the service worker) keeps it.
    await a.page.reload();
    await expect(a.page.getByRole('heading', { name: ben.displayName })).toBeVisible();
    await expectLoaded(imageIn(a.page, 'sunset.png'));
    await expect(imageIn(b.page, 'sunset.png')).toHaveCount(0);

    await a.ctx.setOffline(false);
    await expectLoaded(imageIn(b.page, 'sunset.png'));
    // Ben's copy is the server's thumbnail, through a signed URL.
    expect(await imageIn(b.page, 'sunset.png').getAttribute('src')).toMatch(/^\/api\/attachments\/[0-9A-Z]{26}\/thumbnail\?.*sig=/);
    await expect(mine.getByRole('img', { name: /^(sent|delivered|read)$/ })).toBeVisible({ timeout: 30_000 });
    await expect(mine).not.toContainText('Waiting');

    // Full size on tap.
    await b.page.getByRole('button', { name: 'Open image sunset.png' }).click();
    const lightbox = b.page.getByRole('dialog', { name: 'sunset.png' });
    await expectLoaded(lightbox.locator('img'));
    await b.page.keyboard.press('Escape');
    await expect(lightbox).toHaveCount(0);

    // Seen once, so it is there offline: the reload and the image both come from the service worker.
    await b.ctx.setOffline(true);
    const fromSw: string[] = [];
    b.page.on('response', (r) => r.url().includes('/api/attachments/') && r.fromServiceWorker() && fromSw.push(r.url()));
    await b.page.reload();
    await expect(b.page.getByRole('heading', { name: ann.displayName })).toBeVisible();
    await expectLoaded(imageIn(b.page, 'sunset.png'));
    expect(fromSw.some((u) => /\/thumbnail$/.test(new URL(u).pathname))).toBe(true);
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});

test('a slow upload shows its progress', async ({ browser, request }, testInfo) => {
  const ann = await registerAccount(request, server.url, 'Ann Slow');
  const ben = await registerAccount(request, server.url, 'Ben Slow');
  const a = await signedInPage(browser, server.url, ann);
  try {
    await createDm(request, server.url, a.token, ben.id);
    await openRoom(a.page, ben.displayName);
    const cdp = await a.ctx.newCDPSession(a.page);
    await cdp.send('Network.enable');
    // About 300 KB at 60 KB/s: five seconds of upload.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 60 * 1024 });
    const big = noisePng(320, 320);
    expect(big.length).toBeGreaterThan(300_000);
    await attach(a.page, { name: 'noise.png', mimeType: 'image/png', buffer: big });
    await sendAttached(a.page);

    const bar = messageLog(a.page).getByRole('progressbar', { name: 'Uploading noise.png' });
    await expect(bar).toBeVisible();
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(0);
    await shoot(a.page, testInfo, 'progress-desktop');
    await expect(bar).toHaveCount(0, { timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const mine = articleWith(a.page, 'noise.png');
    await expect(mine.getByRole('img', { name: /^(sent|delivered|read)$/ })).toBeVisible({ timeout: 20_000 });
  } finally {
    await a.ctx.close();
  }
});

test('a file too large is refused before sending; other files show as a card with download', async ({ browser, request }, testInfo) => {
  const { a, b, close } = await dmOpenOnBoth(browser, request, server.url, ['Ann Files', 'Ben Files']);
  try {
    // MAX_UPLOAD_MB is 1 on this server: checked on the device, nothing is sent.
    const uploads: string[] = [];
    a.page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/attachments') && uploads.push(r.url()));
    await attach(a.page, { name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1024 * 1024 + 1, 7) });
    await expect(a.page.getByRole('alert').filter({ hasText: 'huge.bin' })).toHaveText('“huge.bin” is too large to send (1 MB): files can be at most 1 MB.');
    await expect(a.page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);
    expect(uploads).toEqual([]);

    const notes = Buffer.from('Minutes of the meeting\n'.repeat(200));
    await attach(a.page, { name: 'minutes.txt', mimeType: 'text/plain', buffer: notes }, { name: 'beach.png', mimeType: 'image/png', buffer: gradientPng(160, 100) });
    await a.page.getByRole('textbox', { name: 'Message' }).fill('From Friday');
    await shoot(a.page, testInfo, 'composer-desktop');
    await sendAttached(a.page);

    const card = messageLog(b.page).getByRole('article').filter({ hasText: 'minutes.txt' });
    await expect(card).toContainText('4.5 KB');
    await expect(card).toContainText('From Friday');
    await expectLoaded(imageIn(b.page, 'beach.png'));
    const [download] = await Promise.all([b.page.waitForEvent('download'), card.getByRole('button', { name: 'Download minutes.txt' }).click()]);
    expect(download.suggestedFilename()).toBe('minutes.txt');
    const saved = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of saved) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(notes)).toBe(true);
    await shoot(b.page, testInfo, 'bubbles-desktop');

    // The same screens on a 360 px phone.
    await a.page.setViewportSize({ width: 360, height: 740 });
    await b.page.setViewportSize({ width: 360, height: 740 });
    await attach(a.page, { name: 'phone.png', mimeType: 'image/png', buffer: gradientPng(120, 200) });
    await shoot(a.page, testInfo, 'composer-phone');
    await expectLoaded(imageIn(b.page, 'beach.png'));
    await shoot(b.page, testInfo, 'bubbles-phone');
  } finally {
    await close();
  }
});

test('files can be pasted or dropped; a refused upload can be retried or cancelled', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Paste');
  const ben = await registerAccount(request, server.url, 'Ben Paste');
  const a = await signedInPage(browser, server.url, ann);
  try {
    await createDm(request, server.url, a.token, ben.id);
    await openRoom(a.page, ben.displayName);
    const png = [...gradientPng(40, 30)];
    // A real clipboard and a real drag need a person; the events carry the same DataTransfer.
    await a.page.getByRole('textbox', { name: 'Message' }).evaluate((box, bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'clip.png', { type: 'image/png' }));
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, png);
    await messageLog(a.page).evaluate((log) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['dropped text'], 'dropped.txt', { type: 'text/plain' }));
      log.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      log.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    const staged = a.page.getByRole('list', { name: 'Files to send' });
    await expect(staged.getByRole('listitem')).toHaveCount(2);
    await expect(staged).toContainText('clip.png');
    await expect(staged).toContainText('dropped.txt');
    // Removing one before sending: only the other goes.
    await staged.getByRole('button', { name: 'Remove clip.png' }).click();

    // The server refuses it: the reason and Retry; the second try goes through.
    const refuse = (route: import('@playwright/test').Route) =>
      route.fulfill({ status: 409, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Conflict', status: 409, code: 'conflict', detail: 'Refused by the test.' }) });
    await a.page.route('**/api/attachments', refuse);
    await sendAttached(a.page);
    const dropped = messageLog(a.page).getByRole('article').filter({ hasText: 'dropped.txt' });
    await expect(dropped.getByRole('alert')).toHaveText('Refused by the test.');
    await a.page.unroute('**/api/attachments', refuse);
    await dropped.getByRole('button', { name: 'Retry' }).click();
    await expect(dropped.getByRole('button', { name: 'Download dropped.txt' })).toBeVisible({ timeout: 20_000 });
    await expect(imageIn(a.page, 'clip.png')).toHaveCount(0);

    // Cancel before it is sent: the message goes away and is never written.
    await a.page.route('**/api/attachments', refuse);
    await attach(a.page, { name: 'oops.txt', mimeType: 'text/plain', buffer: Buffer.from('oops') });
    await sendAttached(a.page);
    const oops = messageLog(a.page).getByRole('article').filter({ hasText: 'oops.txt' });
    await expect(oops.getByRole('button', { name: 'Retry' })).toBeVisible();
    await oops.getByRole('button', { name: 'Cancel upload of oops.txt' }).click();
    await expect(oops).toHaveCount(0);
    await a.page.reload();
    await expect(messageLog(a.page).getByRole('article').filter({ hasText: 'dropped.txt' })).toBeVisible();
    await expect(messageLog(a.page).getByRole('article').filter({ hasText: 'oops.txt' })).toHaveCount(0);
  } finally {
    await a.ctx.close();
  }
});

async function shoot(page: Page, testInfo: import('@playwright/test').TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}
