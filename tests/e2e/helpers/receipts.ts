/**
 * Steps for the receipts and presence specs: a signed-in person whose socket is recorded
 * (for checks on the wire), the tick of a message by its accessible name, the chat list's
 * unread badge and presence, and the privacy switches flipped in Settings.
 */
import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { loginContext, messageArticle, type Account } from './chat.ts';
import { chatList } from './ui.ts';
import { recordWire, type Wire } from './wire.ts';

export interface Person {
  user: Account;
  ctx: BrowserContext;
  page: Page;
  token: string;
  wire: Wire;
}

/** A new context signed in as `user`, its socket recorded from the start, on the chat list. */
export async function person(browser: Browser, baseUrl: string, user: Account, ctx?: BrowserContext): Promise<Person> {
  const context = ctx ?? (await browser.newContext());
  const token = await loginContext(context, baseUrl, user);
  const page = await context.newPage();
  const wire = recordWire(page);
  await page.goto(`${baseUrl}/`);
  await expect(page.getByRole('link', { name: 'New chat' })).toBeVisible();
  return { user, ctx: context, page, token, wire };
}

/** The state icon of my message `text`: named pending, sent, delivered or read. */
export const tick = (page: Page, text: string): Locator => messageArticle(page, text).locator('.msg-state');

export async function expectTick(page: Page, text: string, state: 'pending' | 'sent' | 'delivered' | 'read'): Promise<void> {
  await expect(messageArticle(page, text).getByRole('img', { name: state, exact: true })).toBeVisible({ timeout: 15_000 });
}

/** The chat list's row link of a room. */
export const chatRow = (page: Page, name: string): Locator => chatList(page).getByRole('link', { name: new RegExp(name) });

/** The unread badge of a room in the chat list ("3 unread"). */
export const unreadBadge = (page: Page, name: string): Locator => chatRow(page, name).getByLabel(/\d+ unread/);

/** Opens Settings and sets a privacy switch, waiting for the server to store it. */
export async function setPrivacy(page: Page, label: 'Share read receipts' | 'Share online status & typing', on: boolean): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  const sw = page.getByRole('switch', { name: label });
  await expect(sw).toBeVisible();
  if ((await sw.isChecked()) !== on) {
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/me') && r.request().method() === 'PATCH' && r.ok());
    await sw.click();
    await saved;
  }
  await expect(sw).toBeChecked({ checked: on });
}

/** Opens the message info of my message `text` and returns the dialog. */
export async function openInfo(page: Page, text: string): Promise<Locator> {
  const article = messageArticle(page, text);
  await article.hover();
  await article.getByRole('button', { name: 'Message info' }).click();
  const dialog = page.getByRole('dialog', { name: 'Message info' });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** The header line under a room's name (online / last seen / typing). */
export const roomStatus = (page: Page): Locator => page.locator('.pane-header .room-status');
