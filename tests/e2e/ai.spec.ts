/**
 * AI auto-reply in Chromium (DESIGN §9, issue 8): Bob turns the switch on with a persona in
 * the settings screen and goes offline; Ann writes in their DM and the reply, written by
 * the server as Bob with `kind: 'ai'`, reaches her open room in real time labelled "AI reply
 * on behalf of Bob" (and "AI: …" in her chat list). The real server and SDK talk to the
 * local stand-in of the Gemini REST API, whose recorded request is checked. Without a key
 * the settings screen shows the option as unavailable, with the reason.
 */
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { startChildServer, type ChildServer } from './helpers/server.ts';
import { CHAT_SERVER_ENV, createDm, messageArticle, openRoom, registerAccount, send, signedInPage } from './helpers/chat.ts';
import { chatList, loginViaUi, logoutViaUi, newUser, registerViaUi } from './helpers/ui.ts';
import { startFakeGemini, type FakeGemini } from '../integration/helpers/fake-gemini.ts';

const PERSONA = "I'm on holiday until Monday; be brief and friendly.";
const REPLY = 'Bob is on holiday until Monday and will see your message when he is back.';
const GRACE_S = 1;
/** Screenshots to look at (outside the e2e output folder, which every run empties). */
const shot = (name: string) => join(import.meta.dirname, '../../test-results/screens/ai', name);

let fake: FakeGemini;
let server: ChildServer;
test.beforeAll(async () => {
  fake = await startFakeGemini('Fallback reply.');
  server = await startChildServer({ ...CHAT_SERVER_ENV, GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: fake.url, AI_OFFLINE_GRACE_S: String(GRACE_S) });
});
test.afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

const aiSection = (page: Page) => page.getByRole('region', { name: 'AI auto-reply' });
const aiSwitch = (page: Page) => aiSection(page).getByRole('switch', { name: /Reply for me with AI while I'm offline/ });

/** A screenshot of the settings section, without the sticky pane header drawn over it. */
const shootSection = (page: Page, path: string) => aiSection(page).screenshot({ path, style: '.pane-header { visibility: hidden; }' });

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
}

test('Bob turns AI on and goes offline; Ann sees the labelled reply arrive in her open room', async ({ browser, request }) => {
  const ann = await registerAccount(request, server.url, 'Ann Rivera');
  const bobUser = newUser('Bob Stone');

  // Bob registers; Ann (already signed in) starts a DM with him.
  const bobCtx = await browser.newContext();
  const bobPage = await bobCtx.newPage();
  await registerViaUi(bobPage, server.url, bobUser);
  const a = await signedInPage(browser, server.url, ann);
  try {
    const found = await request.get(`${server.url}/api/users`, { params: { q: bobUser.username }, headers: { Authorization: `Bearer ${a.token}` } });
    const bobId = ((await found.json()) as { users: { id: string; username: string }[] }).users.find((u) => u.username === bobUser.username)!.id;
    await createDm(request, server.url, a.token, bobId);

    // Bob turns the switch on with a persona, for the chats he picks: this DM.
    await openSettings(bobPage);
    await expect(aiSwitch(bobPage)).toBeEnabled();
    await expect(aiSwitch(bobPage)).not.toBeChecked();
    await expect(aiSection(bobPage).getByText(/Unavailable/)).toHaveCount(0);
    await aiSwitch(bobPage).check();
    await aiSection(bobPage).getByLabel('How it should answer').fill(PERSONA);
    await expect(aiSection(bobPage).getByRole('radio', { name: 'All direct messages' })).toBeChecked();
    await aiSection(bobPage).getByRole('radio', { name: 'Only the chats I choose' }).check();
    await aiSection(bobPage).getByRole('list', { name: 'Chats the AI answers' }).getByRole('checkbox', { name: ann.displayName }).check();
    await aiSection(bobPage).getByRole('button', { name: 'Save' }).click();
    await expect(aiSection(bobPage).getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await shootSection(bobPage, shot('ai-settings-desktop.png'));

    // Bob logs out and closes the browser: none of his devices is online any more.
    await logoutViaUi(bobPage);
    await bobCtx.close();
    const offlineSince = Date.now();

    await openRoom(a.page, bobUser.displayName);
    await expect(chatList(a.page).getByRole('img', { name: 'online' })).toHaveCount(0);
    // The server answers only once Bob has been away for the whole grace period.
    const wait = GRACE_S * 1000 + 500 - (Date.now() - offlineSince);
    if (wait > 0) await a.page.waitForTimeout(wait);

    const before = fake.requests.length;
    fake.respond({ kind: 'ok', text: REPLY });
    await send(a.page, 'Are we still on for Friday?');

    // The reply reaches Ann's open room in real time, labelled, written as Bob.
    const reply = messageArticle(a.page, REPLY);
    await expect(reply).toBeVisible();
    await expect(reply).toContainText('AI reply on behalf of Bob Stone');
    await expect(reply).toHaveClass(/\bai\b/);
    await expect(reply).not.toHaveClass(/\bmine\b/);
    await expect(reply).toHaveAccessibleName(/^AI reply on behalf of Bob Stone, /);
    // Ann's own message is not labelled.
    await expect(messageArticle(a.page, 'Are we still on for Friday?')).not.toContainText('AI reply');
    // The chat list preview says it was the AI.
    await expect(chatList(a.page).getByRole('link', { name: /Bob Stone/ })).toContainText(`AI: ${REPLY}`);
    await reply.screenshot({ path: shot('ai-reply-bubble.png') });
    await a.page.screenshot({ path: shot('ai-reply-desktop.png') });

    // What the SDK sent: one request, Bob's persona in the system instruction, Ann's message as the user's turn.
    expect(fake.requests.length).toBe(before + 1);
    const req = fake.requests.at(-1)!;
    expect(req.apiKey).toBe('test-key');
    const system = (req.body.systemInstruction.parts as { text: string }[]).map((p) => p.text).join('');
    expect(system).toContain(PERSONA);
    expect(req.body.contents).toEqual([{ role: 'user', parts: [{ text: 'Are we still on for Friday?' }] }]);

    // On a 360 px phone the label stays readable.
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 } });
    try {
      const page = await phone.newPage();
      await loginViaUi(page, server.url, ann);
      await openRoom(page, bobUser.displayName);
      await expect(messageArticle(page, REPLY)).toContainText('AI reply on behalf of Bob Stone');
      await page.screenshot({ path: shot('ai-reply-phone.png') });
    } finally {
      await phone.close();
    }
  } finally {
    await a.ctx.close();
  }

  // Bob comes back: his room shows which replies the AI sent, and so does settings.
  const back = await browser.newContext({ viewport: { width: 360, height: 740 } });
  try {
    const page = await back.newPage();
    await loginViaUi(page, server.url, bobUser);
    await openRoom(page, ann.displayName);
    const own = messageArticle(page, REPLY);
    await expect(own).toContainText('AI reply on your behalf');
    await expect(own).toHaveClass(/\bmine\b/);
    await page.screenshot({ path: shot('ai-reply-own-phone.png') });
    await page.goto(`${server.url}/settings`);
    const recent = aiSection(page).getByRole('list', { name: 'What the AI said for you' });
    await expect(recent.getByRole('listitem')).toHaveCount(1);
    await expect(recent.getByRole('listitem')).toContainText(`To ${ann.displayName}`);
    await expect(recent.getByRole('listitem')).toContainText(REPLY);
    await expect(aiSwitch(page)).toBeChecked();
    await expect(aiSection(page).getByLabel('How it should answer')).toHaveValue(PERSONA);
    await expect(aiSection(page).getByRole('radio', { name: 'Only the chats I choose' })).toBeChecked();
    await expect(aiSection(page).getByRole('checkbox', { name: ann.displayName })).toBeChecked();
    await shootSection(page, shot('ai-settings-phone.png'));
    await recent.screenshot({ path: shot('ai-recent-phone.png') });
  } finally {
    await back.close();
  }
});

test.describe('without a Gemini key', () => {
  let plain: ChildServer;
  test.beforeAll(async () => {
    plain = await startChildServer({ ...CHAT_SERVER_ENV, GEMINI_API_KEY: '' });
  });
  test.afterAll(async () => {
    await plain?.stop();
  });

  test('the settings screen shows the AI option as unavailable, with the reason', async ({ browser }) => {
    for (const viewport of [{ width: 1100, height: 760 }, { width: 360, height: 740 }]) {
      const ctx = await browser.newContext({ viewport });
      try {
        const page = await ctx.newPage();
        await registerViaUi(page, plain.url, newUser('Cleo Nokey'));
        await openSettings(page);
        await expect(aiSection(page).getByRole('status').filter({ hasText: 'Unavailable' })).toContainText('no Gemini API key');
        await expect(aiSection(page).getByRole('status').filter({ hasText: 'Unavailable' })).toContainText('GEMINI_API_KEY');
        await expect(aiSwitch(page)).toBeDisabled();
        await expect(aiSwitch(page)).not.toBeChecked();
        await expect(aiSection(page).getByLabel('How it should answer')).toBeDisabled();
        await expect(aiSection(page).getByRole('button', { name: 'Save' })).toBeDisabled();
        await shootSection(page, shot(`ai-unavailable-${viewport.width}.png`));
      } finally {
        await ctx.close();
      }
    }
  });
});
