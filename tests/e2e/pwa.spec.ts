/**
 * The PWA in Chromium: the manifest, installability (`Page.getInstallabilityErrors` in a
 * persistent profile, as incognito always answers `in-incognito`), a service worker that
 * controls the page and serves deep links but not the API, and the "new version" prompt.
 */
import { test, expect, chromium, type Page } from '@playwright/test';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './playwright.config.ts';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { CLIENT_DIST, staticRoutes } from '../../server/src/http/static.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer();
});
test.afterAll(async () => {
  await server?.stop();
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Waits for an active worker, then reloads so that it controls the page. */
async function controlledByServiceWorker(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? null)).toBe('activated');
}

test('the manifest names the app, its icons, colours and how it opens', async ({ request }) => {
  const html = await (await request.get(`${server.url}/`)).text();
  expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest">');
  const res = await request.get(`${server.url}/manifest.webmanifest`);
  expect(res.ok()).toBe(true);
  const m = await res.json();
  expect(m).toMatchObject({
    name: 'Parley',
    short_name: 'Parley',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
    background_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
  });
  const icons = m.icons as { src: string; sizes: string; type: string; purpose?: string }[];
  const want = [
    { sizes: '192x192', purpose: undefined },
    { sizes: '512x512', purpose: undefined },
    { sizes: '512x512', purpose: 'maskable' },
  ];
  for (const w of want) {
    const icon = icons.find((i) => i.sizes === w.sizes && (i.purpose ?? 'any').includes(w.purpose ?? 'any'));
    expect(icon, `icon ${w.sizes} ${w.purpose ?? 'any'}`).toBeDefined();
    const img = await request.get(new URL(icon!.src, server.url).href);
    expect(img.headers()['content-type']).toBe('image/png');
    const { width, height } = pngSize(await img.body());
    expect(`${width}x${height}`).toBe(w.sizes);
  }
});

test('installable, the service worker controls the page, serves deep links and leaves the API alone', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'parley-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/login`);
    await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
    await controlledByServiceWorker(page);

    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);

    // A deep link is answered from the precached shell (SPA navigation fallback)...
    const deep = await page.goto(`${server.url}/r/01HZZZZZZZZZZZZZZZZZZZZZZZ/info`);
    expect(deep?.fromServiceWorker()).toBe(true);
    await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
    // ...but API and sync paths always reach the server.
    const api = await page.goto(`${server.url}/api/health`);
    expect(api?.fromServiceWorker()).toBe(false);
    expect(api?.headers()['content-type']).toContain('application/json');
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('a new version is offered with a Reload prompt, and Reload switches to it', async ({ page }) => {
  // A private copy of the built client, so this test can "deploy" a new version.
  const dist = mkdtempSync(join(tmpdir(), 'parley-dist-'));
  cpSync(CLIENT_DIST, dist, { recursive: true });
  const app = new Hono();
  app.route('/', staticRoutes(dist));
  const httpServer = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  try {
    await page.goto(`${url}/login`);
    await controlledByServiceWorker(page);
    const prompt = page.getByRole('status').filter({ hasText: 'A new version is ready' });
    await expect(prompt).toHaveCount(0);
    const firstWorker = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active!.scriptURL + '#' + r.active!.state));

    appendFileSync(join(dist, 'sw.js'), '\n// next version\n');
    await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.update()));
    await expect(prompt).toBeVisible();

    const reloaded = page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
    await expect(prompt).toHaveCount(0);
    expect(firstWorker).toContain('/sw.js#activated');
    // The worker that now controls the page is the new one: nothing is left waiting.
    expect(await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.waiting === null && !!navigator.serviceWorker.controller))).toBe(true);
  } finally {
    await new Promise((resolve) => httpServer.close(resolve));
    rmSync(dist, { recursive: true, force: true });
  }
});
