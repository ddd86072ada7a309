/**
 * Chat steps for the end-to-end specs: accounts and rooms made over REST (fast, and not
 * what these specs test), a browser context signed in through the refresh cookie, and
 * the room screen driven by role and label, as a person (or a screen reader) would.
 */
import { expect, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { newUser, type TestUser } from './ui.ts';

/** Generous limits so that a spec's many logins are not rate-limited. */
export const CHAT_SERVER_ENV = { LOGIN_RATE_PER_IP: '1000', LOGIN_RATE_PER_USER: '1000', REGISTER_RATE_PER_IP: '1000' };

export interface Account extends TestUser {
  id: string;
}

export async function registerAccount(request: APIRequestContext, baseUrl: string, displayName: string): Promise<Account> {
  const user = newUser(displayName);
  const res = await request.post(`${baseUrl}/api/auth/register`, { data: user });
  expect(res.status(), await res.text()).toBe(201);
  const body = (await res.json()) as { user: { id: string } };
  return { ...user, id: body.user.id };
}

/** Logs in through the context's own request client, so the refresh cookie lands in it. */
export async function loginContext(ctx: BrowserContext, baseUrl: string, user: TestUser): Promise<string> {
  const res = await ctx.request.post(`${baseUrl}/api/auth/login`, { data: { username: user.username, password: user.password, deviceName: 'e2e' } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** A new browser context signed in as `user`, with its page open on the chat list. */
export async function signedInPage(browser: Browser, baseUrl: string, user: TestUser): Promise<{ ctx: BrowserContext; page: Page; token: string }> {
  const ctx = await browser.newContext();
  const token = await loginContext(ctx, baseUrl, user);
  const page = await ctx.newPage();
  await page.goto(`${baseUrl}/`);
  await expect(page.getByRole('link', { name: 'New chat' })).toBeVisible();
  return { ctx, page, token };
}

export async function apiPost<T>(request: APIRequestContext, baseUrl: string, token: string, path: string, data: unknown): Promise<T> {
  const res = await request.post(`${baseUrl}${path}`, { data, headers: { Authorization: `Bearer ${token}` } });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as T;
}

export async function createDm(request: APIRequestContext, baseUrl: string, token: string, otherId: string): Promise<string> {
  return (await apiPost<{ room: { id: string } }>(request, baseUrl, token, '/api/rooms/dm', { userId: otherId })).room.id;
}

export async function createGroup(request: APIRequestContext, baseUrl: string, token: string, name: string, memberIds: string[]): Promise<string> {
  return (await apiPost<{ room: { id: string } }>(request, baseUrl, token, '/api/rooms', { name, memberIds })).room.id;
}

/** Two new people, each signed in in a context of their own, with their DM open on both screens. */
export async function dmOpenOnBoth(browser: Browser, request: APIRequestContext, baseUrl: string, names: [string, string]) {
  const ann = await registerAccount(request, baseUrl, names[0]);
  const ben = await registerAccount(request, baseUrl, names[1]);
  const a = await signedInPage(browser, baseUrl, ann);
  const b = await signedInPage(browser, baseUrl, ben);
  let roomId: string;
  try {
    roomId = await createDm(request, baseUrl, a.token, ben.id);
    await openRoom(a.page, ben.displayName);
    await openRoom(b.page, ann.displayName);
  } catch (e) {
    await a.ctx.close();
    await b.ctx.close();
    throw e;
  }
  return {
    ann,
    ben,
    a,
    b,
    roomId,
    close: async () => {
      await a.ctx.close();
      await b.ctx.close();
    },
  };
}

/** Opens a room from the chat list (which may need the server's `rooms` nudge first). */
export async function openRoom(page: Page, name: string): Promise<void> {
  const link = page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(escapeRe(name)) });
  await expect(link).toBeVisible({ timeout: 20_000 });
  await link.click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
}

export const messageLog = (page: Page): Locator => page.getByRole('log', { name: 'Messages' });

/** Types `text` into the composer and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

/** The message texts shown in the room, top to bottom. */
export function texts(page: Page): Promise<string[]> {
  return messageLog(page).locator('.msg-text').allInnerTexts();
}

/** The article of the (single) message whose text is exactly `text`. */
export function messageArticle(page: Page, text: string): Locator {
  return messageLog(page).getByRole('article').filter({ has: page.locator('.msg-text', { hasText: new RegExp(`^${escapeRe(text)}$`) }) });
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The connection banner (DESIGN §8), named by its state. */
export const banner = (page: Page, state: 'offline' | 'connecting' | 'syncing' | 'up to date'): Locator => page.getByRole('status', { name: state });

/** Waits until a service worker controls the page (reloading once so it takes over). */
export async function controlledByServiceWorker(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? null)).toBe('activated');
}

/**
 * Keeps what a page logs (warnings, errors, uncaught exceptions); `dump` prints it, for a
 * test to call when it failed, so a flake in CI says what the app saw.
 */
export function recordConsole(page: Page, label: string): { dump(): void } {
  const lines: string[] = [];
  const at = () => new Date().toISOString().slice(11, 23);
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') lines.push(`${at()} ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => lines.push(`${at()} pageerror: ${e.message}`));
  return { dump: () => lines.length && console.log(`--- ${label} console ---\n${lines.join('\n')}`) };
}
