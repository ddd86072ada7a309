import { test, expect } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';

let server: ChildServer;
test.beforeAll(async () => {
  server = await startChildServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test('serves the app shell with a strict CSP', async ({ page }) => {
  const res = await page.goto(server.url + '/');
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.locator('#root')).not.toBeEmpty();
});
