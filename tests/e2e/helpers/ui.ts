/**
 * Steps through the app's screens the way a person would, with role and label locators
 * (the same names screen readers get).
 */
import { expect, type Page } from '@playwright/test';

export interface TestUser {
  username: string;
  displayName: string;
  password: string;
}

/** A user whose username is unique within a run (servers are fresh per spec file anyway). */
export function newUser(displayName: string): TestUser {
  const tag = Math.random().toString(36).slice(2, 8);
  return { username: `${displayName.split(' ')[0]!.toLowerCase()}_${tag}`, displayName, password: 'correct horse battery' };
}

/** The chat list (left pane on desktop). */
export const chatList = (page: Page) => page.getByRole('navigation', { name: 'Chats' });

/** Registers through /register; the app logs the new user in and shows the chat list. */
export async function registerViaUi(page: Page, baseUrl: string, user: TestUser): Promise<void> {
  await page.goto(`${baseUrl}/register`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Display name').fill(user.displayName);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('link', { name: 'New chat' })).toBeVisible();
}

export async function loginViaUi(page: Page, baseUrl: string, user: TestUser): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('link', { name: 'New chat' })).toBeVisible();
}

export async function logoutViaUi(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
}
