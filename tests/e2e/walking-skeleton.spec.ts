/**
 * The walking skeleton in Chromium: register, log in, create a group and see it listed,
 * stay logged in across a reload (refresh cookie), and open a DM from user search that
 * both people see.
 */
import { test, expect } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { chatList, loginViaUi, logoutViaUi, newUser, registerViaUi } from './helpers/ui.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test('register, log in, create a group, and stay logged in across a reload', async ({ page }) => {
  const ann = newUser('Ann Lee');
  // The strict CSP must not block anything the app needs, and nothing may throw.
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });

  // The form checks input with the shared schema before sending and says what is wrong.
  await page.goto(`${server.url}/register`);
  await page.getByLabel('Username').fill('a!');
  await page.getByLabel('Display name').fill(ann.displayName);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByLabel('Username')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Password')).toHaveAccessibleDescription(/at least 8 characters/i);
  await expect(page).toHaveURL(/\/register$/);

  await registerViaUi(page, server.url, ann);
  await expect(chatList(page)).toContainText('No chats yet');
  await logoutViaUi(page);

  // A wrong password gets the problem's answer, shown at the form.
  await page.getByLabel('Username').fill(ann.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText(/don’t match/);

  await loginViaUi(page, server.url, ann);

  await page.getByRole('link', { name: 'New chat' }).click();
  await page.getByLabel('Group name').fill('Weekend plans');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('heading', { name: 'Weekend plans' })).toBeVisible();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{26}$/);
  await expect(chatList(page).getByRole('link', { name: /Weekend plans/ })).toBeVisible();

  await page.reload();
  await expect(chatList(page).getByRole('link', { name: /Weekend plans/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Weekend plans' })).toBeVisible();
  await page.goto(`${server.url}/`);
  await expect(chatList(page).getByRole('link', { name: /Weekend plans/ })).toBeVisible();
  expect(problems).toEqual([]);
});

test('find a user and open a DM that both see', async ({ browser }) => {
  const ben = newUser('Ben Okafor');
  const cara = newUser('Cara Diaz');
  const benCtx = await browser.newContext();
  const caraCtx = await browser.newContext();
  try {
    const benPage = await benCtx.newPage();
    const caraPage = await caraCtx.newPage();
    await registerViaUi(caraPage, server.url, cara);
    await registerViaUi(benPage, server.url, ben);

    await benPage.getByRole('link', { name: 'New chat' }).click();
    await benPage.getByLabel('Find a person').fill(cara.username);
    await benPage.getByRole('button', { name: `Message ${cara.displayName} (@${cara.username})` }).click();
    await expect(benPage.getByRole('heading', { name: cara.displayName })).toBeVisible();
    await expect(chatList(benPage).getByRole('link', { name: new RegExp(cara.displayName) })).toBeVisible();

    // Opening it again finds the same room rather than a second one.
    const dmUrl = benPage.url();
    await benPage.getByRole('link', { name: 'New chat' }).click();
    await benPage.getByLabel('Find a person').fill(cara.displayName.slice(0, 4));
    await benPage.getByRole('button', { name: `Message ${cara.displayName} (@${cara.username})` }).click();
    await expect(benPage).toHaveURL(dmUrl);
    await expect(chatList(benPage).getByRole('link')).toHaveCount(1);

    // Cara's list comes from GET /api/rooms (live updates arrive with sync): reload it.
    await caraPage.reload();
    const caraRow = chatList(caraPage).getByRole('link', { name: new RegExp(ben.displayName) });
    await expect(caraRow).toBeVisible();
    await caraRow.click();
    await expect(caraPage.getByRole('heading', { name: ben.displayName })).toBeVisible();
    await expect(caraPage.getByRole('textbox', { name: 'Message' })).toBeVisible();
  } finally {
    await benCtx.close();
    await caraCtx.close();
  }
});
