/**
 * The secondary screens in Chromium: group info (rename, invite link, roles, removal),
 * joining through an invite and from the public list, blocking from a DM's info and
 * unblocking in settings, and the theme switch.
 */
import { test, expect, type Browser, type Page } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { chatList, newUser, registerViaUi, type TestUser } from './helpers/ui.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer();
});
test.afterAll(async () => {
  await server?.stop();
});

async function newPage(browser: Browser, user: TestUser, opts: { clipboard?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext(opts.clipboard ? { permissions: ['clipboard-read', 'clipboard-write'] } : {});
  if (opts.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  await registerViaUi(page, server.url, user);
  return page;
}

/** Creates a group through /new and answers its id. */
async function createGroup(page: Page, name: string, visibility: 'Private' | 'Public' = 'Private'): Promise<string> {
  await page.getByRole('link', { name: 'New chat' }).click();
  await page.getByLabel('Group name').fill(name);
  await page.getByRole('radio', { name: new RegExp(`^${visibility}`) }).check();
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{26}$/);
  return new URL(page.url()).pathname.split('/')[2]!;
}

const members = (page: Page) => page.getByRole('list', { name: /members?$/ });

test('an admin renames a group, invites someone by link, makes them admin and removes them', async ({ browser }) => {
  const ann = newUser('Ann Lee');
  const bob = newUser('Bob Stone');
  const annPage = await newPage(browser, ann, { clipboard: true });
  const bobPage = await newPage(browser, bob);

  const roomId = await createGroup(annPage, 'Book club');
  await annPage.goto(`${server.url}/r/${roomId}/info`);
  await expect(annPage.getByRole('heading', { name: 'Group info' })).toBeVisible();

  // A name the shared schema refuses is caught at the form.
  await annPage.getByLabel('Group name').fill('   ');
  await annPage.getByRole('button', { name: 'Rename' }).click();
  await expect(annPage.getByLabel('Group name')).toHaveAttribute('aria-invalid', 'true');

  await annPage.getByLabel('Group name').fill('Book club 2026');
  await annPage.getByRole('button', { name: 'Rename' }).click();
  await expect(annPage.getByText('Saved')).toBeVisible();
  await expect(annPage.getByRole('heading', { name: 'Book club 2026' })).toBeVisible();
  await expect(chatList(annPage).getByRole('link', { name: /Book club 2026/ })).toBeVisible();

  // Creating a link copies it, and says so.
  await annPage.getByRole('button', { name: 'Create invite link' }).click();
  await expect(annPage.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  const link = annPage.getByRole('textbox', { name: /Invite link created/ });
  await expect(link).toHaveValue(/\/invite\/[^/]+$/);
  const url = await link.inputValue();
  expect(await annPage.evaluate(() => navigator.clipboard.readText())).toBe(url);

  await bobPage.goto(url);
  await expect(bobPage.getByRole('heading', { name: 'Book club 2026' })).toBeVisible();
  await expect(bobPage.getByText('1 member')).toBeVisible();
  await bobPage.getByRole('button', { name: 'Join group' }).click();
  await expect(bobPage).toHaveURL(new RegExp(`/r/${roomId}$`));
  await expect(chatList(bobPage).getByRole('link', { name: /Book club 2026/ })).toBeVisible();

  // The owner promotes Bob.
  await annPage.reload();
  const bobRow = members(annPage).getByRole('listitem').filter({ hasText: 'Bob Stone' });
  await expect(bobRow).toBeVisible();
  await annPage.getByRole('button', { name: 'Manage Bob Stone' }).click();
  await annPage.getByRole('button', { name: 'Make admin' }).click();
  await expect(bobRow.getByText('Admin', { exact: true })).toBeVisible();

  // Bob, now an admin, sees the admin controls, but not the owner's.
  await bobPage.goto(`${server.url}/r/${roomId}/info`);
  await expect(bobPage.getByRole('button', { name: 'Create invite link' })).toBeVisible();
  await expect(bobPage.getByRole('button', { name: 'Manage Ann Lee' })).toHaveCount(0);

  // Removing asks first; cancelling changes nothing.
  await annPage.getByRole('button', { name: 'Manage Bob Stone' }).click();
  await annPage.getByRole('button', { name: 'Remove from group' }).click();
  const dialog = annPage.getByRole('dialog', { name: 'Remove Bob Stone?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(bobRow).toBeVisible();
  await annPage.getByRole('button', { name: 'Remove from group' }).click();
  await annPage.getByRole('dialog', { name: 'Remove Bob Stone?' }).getByRole('button', { name: 'Remove' }).click();
  await expect(bobRow).toHaveCount(0);
  await expect(annPage.getByRole('heading', { name: '1 member' })).toBeVisible();

  // A revoked link leads nowhere.
  await annPage.getByRole('button', { name: 'Revoke' }).click();
  await annPage.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(annPage.getByText('No active links.')).toBeVisible();
  await bobPage.goto(url);
  await expect(bobPage.getByRole('alert')).toContainText('not valid any more');
});

test('a user finds a public group in the browse list and joins it', async ({ browser }) => {
  const cat = newUser('Cat Moss');
  const dan = newUser('Dan Ives');
  const catPage = await newPage(browser, cat);
  const danPage = await newPage(browser, dan);
  const roomId = await createGroup(catPage, 'Trail runners', 'Public');
  await createGroup(catPage, 'Secret santa', 'Private');

  await danPage.getByRole('link', { name: 'New chat' }).click();
  const groups = danPage.getByRole('list', { name: 'Public groups' });
  await expect(groups.getByText('Trail runners')).toBeVisible();
  await danPage.getByLabel('Search public groups').fill('secret');
  await expect(danPage.getByText('No public group matches “secret”.')).toBeVisible();
  await danPage.getByLabel('Search public groups').fill('trail');
  await danPage.getByRole('button', { name: 'Join Trail runners' }).click();
  await expect(danPage).toHaveURL(new RegExp(`/r/${roomId}$`));
  await expect(chatList(danPage).getByRole('link', { name: /Trail runners/ })).toBeVisible();

  await danPage.getByRole('link', { name: 'New chat' }).click();
  await expect(danPage.getByRole('link', { name: 'Open Trail runners' })).toBeVisible();
});

test('blocking from a DM’s info lists the person in settings, where unblocking works', async ({ browser }) => {
  const eve = newUser('Eve Park');
  const fay = newUser('Fay Wong');
  await newPage(browser, fay);
  const page = await newPage(browser, eve);

  await page.getByRole('link', { name: 'New chat' }).click();
  await page.getByLabel('Find a person').fill(fay.username);
  await page.getByRole('button', { name: `Message Fay Wong (@${fay.username})` }).click();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{26}$/);
  await page.goto(`${page.url()}/info`);
  await expect(page.getByRole('heading', { name: 'Contact info' })).toBeVisible();
  await page.getByRole('button', { name: 'Block Fay Wong' }).click();
  await page.getByRole('dialog', { name: 'Block Fay Wong?' }).getByRole('button', { name: 'Block' }).click();
  await expect(page.getByRole('button', { name: 'Unblock Fay Wong' })).toBeVisible();

  await page.getByRole('link', { name: 'Settings' }).click();
  const blocked = page.getByRole('list', { name: 'Blocked people' });
  await expect(blocked.getByText('Fay Wong')).toBeVisible();
  await page.getByRole('button', { name: 'Unblock Fay Wong' }).click();
  await expect(page.getByText('You haven’t blocked anyone.')).toBeVisible();
  await page.reload();
  await expect(page.getByText('You haven’t blocked anyone.')).toBeVisible();
});

test('the theme switch sets data-theme, and the choice survives a reload', async ({ page }) => {
  await registerViaUi(page, server.url, newUser('Gil Hart'));
  await page.getByRole('link', { name: 'Settings' }).click();
  const html = page.locator('html');
  await expect(html).not.toHaveAttribute('data-theme', /./);

  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  expect(await page.evaluate(() => getComputedStyle(document.body).colorScheme)).toBe('dark');
  await page.reload();
  await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked();
  await expect(html).toHaveAttribute('data-theme', 'dark');

  await page.getByRole('radio', { name: 'Light' }).check();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.getByRole('radio', { name: 'System' }).check();
  await expect(html).not.toHaveAttribute('data-theme', /./);
});
