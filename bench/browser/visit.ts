/**
 * The browser side: a first visit online that fills the device (the live epoch over
 * `/sync`, older history by scrolling up until IndexedDB holds the whole room), then
 * offline launches of the same profile under 4× CPU throttling, timed by the probe.
 */
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tests/e2e/playwright.config.ts';
import type { Seeded } from './seed.ts';
import { installProbe, startFrameRecorder, stopFrameRecorder, type ProbeTimes } from './probe.ts';

/** A mid-range phone's screen, in CSS pixels (scale 1: Chromium rasters in software here). */
export const VIEWPORT = { width: 412, height: 915 };
export const CPU_THROTTLE = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function launch(profileDir: string, offline: boolean): Promise<BrowserContext> {
  const ctx = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, viewport: VIEWPORT, offline });
  // tsx (esbuild) wraps named functions in `__name(…)`; functions sent into the page need it.
  await ctx.addInitScript('globalThis.__name ??= (f) => f;');
  return ctx;
}

const roomLink = (page: Page, s: Seeded) => page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(s.roomName) });

/** Rows of the room in the device's IndexedDB (what an offline open can show). */
function storedCount(page: Page, s: Seeded): Promise<number> {
  return page.evaluate(
    ({ db, roomId }) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(db);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const idb = open.result;
          const req = idb.transaction('messages').objectStore('messages').index('[roomId+seq]').count(IDBKeyRange.bound([roomId, 0], [roomId, Infinity]));
          req.onsuccess = () => {
            idb.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    { db: `parley-${s.reader.id}`, roomId: s.roomId },
  );
}

/** First visit, online: log in, open the room, scroll to its start until every message is stored. */
export async function firstVisit(baseUrl: string, profileDir: string, s: Seeded, log: (m: string) => void): Promise<{ ms: number; stored: number }> {
  const t0 = performance.now();
  const ctx = await launch(profileDir, false);
  try {
    const res = await ctx.request.post(`${baseUrl}/api/auth/login`, { data: { username: s.reader.username, password: s.reader.password, deviceName: 'bench browser' } });
    if (res.status() !== 200) throw new Error(`login: ${res.status()} ${await res.text()}`);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(`${baseUrl}/`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');
    await roomLink(page, s).click({ timeout: 30_000 });
    await page.locator('[role="log"] .msg-text', { hasText: s.newestText.slice(0, 8) }).first().waitFor({ timeout: 30_000 });
    let stored = 0;
    let last = -1;
    let still = 0;
    for (;;) {
      stored = await storedCount(page, s);
      if (stored >= s.count) break;
      still = stored === last ? still + 1 : 0;
      if (still > 60) throw new Error(`history stopped at ${stored}/${s.count} messages in IndexedDB`);
      last = stored;
      // Near the top the room asks for the page before its oldest row.
      await page.evaluate(() => {
        const el = document.querySelector<HTMLElement>('[role="log"]');
        // Off the top and back: a scroll event fires even when it already sat at 0.
        if (el) el.scrollTop = 600;
      });
      await sleep(30);
      await page.evaluate(() => {
        const el = document.querySelector<HTMLElement>('[role="log"]');
        if (el) el.scrollTop = 0;
      });
      await sleep(150);
    }
    log(`  first visit: ${stored} messages in IndexedDB after ${Math.round(performance.now() - t0)} ms`);
    // Let y-dexie and the projection finish their writes before the profile closes.
    await sleep(1500);
    return { ms: Math.round(performance.now() - t0), stored };
  } finally {
    await ctx.close();
  }
}

export interface OfflineRun {
  /** Navigation start → chat list rendered. */
  chatListMs: number;
  /** Click on the room → newest messages rendered. */
  roomOpenMs: number;
  servedByServiceWorker: boolean;
  frames?: { deltas: number[]; lafs: { duration: number; blockingDuration: number }[] };
}

/** One offline launch: chat list, open the room, and (when `scroll`) scroll it 20 steps. */
/** Optional CDP steps around the timed part (profiling). */
export interface RunHooks {
  beforeGoto?(cdp: CDPSession): Promise<void>;
  afterList?(cdp: CDPSession, page: Page): Promise<void>;
  afterRoom?(cdp: CDPSession): Promise<void>;
  afterScroll?(cdp: CDPSession): Promise<void>;
}

export async function offlineRun(baseUrl: string, profileDir: string, s: Seeded, scroll: boolean, hooks: RunHooks = {}): Promise<OfflineRun> {
  const ctx = await launch(profileDir, true);
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLE });
    await ctx.addInitScript(installProbe, { roomName: s.roomName, newestPrefix: s.newestText.split(' ')[0]! + ' ' });
    await hooks.beforeGoto?.(cdp);
    const res = await page.goto(`${baseUrl}/`);
    const times = () => page.evaluate(() => (window as unknown as { __bench: ProbeTimes }).__bench);
    await page.waitForFunction(() => (window as unknown as { __bench: ProbeTimes }).__bench.chatList !== undefined, null, { polling: 100, timeout: 30_000 });
    await hooks.afterList?.(cdp, page);
    await sleep(500);
    await hooks.beforeGoto?.(cdp);
    await roomLink(page, s).click();
    await page.waitForFunction(() => (window as unknown as { __bench: ProbeTimes }).__bench.roomNewest !== undefined, null, { polling: 100, timeout: 30_000 });
    const t = await times();
    await hooks.afterRoom?.(cdp);
    const run: OfflineRun = {
      chatListMs: round(t.chatList!),
      roomOpenMs: round(t.roomNewest! - t.roomClick!),
      servedByServiceWorker: res?.fromServiceWorker() ?? false,
    };
    if (scroll) run.frames = await scrollRoom(page, hooks, cdp);
    return run;
  } catch (e) {
    const page = ctx.pages()[0];
    const shown = page ? await page.evaluate(() => ({ url: location.href, text: document.body?.innerText.slice(0, 400), bench: (window as any).__bench })).catch(() => null) : null;
    throw new Error(`offline launch failed: ${(e as Error).message}\npage: ${JSON.stringify(shown)}`);
  } finally {
    await ctx.close();
  }
}

/** 20 wheel steps up the room (a flick every 100 ms), frames recorded in the page. */
async function scrollRoom(page: Page, hooks: RunHooks, cdp: CDPSession): Promise<OfflineRun['frames']> {
  await sleep(1500);
  const box = await page.locator('[role="log"]').boundingBox();
  if (!box) throw new Error('no message log to scroll');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await hooks.beforeGoto?.(cdp);
  await page.evaluate(startFrameRecorder);
  for (let i = 0; i < 20; i++) {
    await page.mouse.wheel(0, -400);
    await sleep(100);
  }
  await sleep(500);
  const { frames, lafs } = await page.evaluate(stopFrameRecorder);
  await hooks.afterScroll?.(cdp);
  const deltas = frames.slice(1).map((f, i) => round(f - frames[i]!));
  return { deltas, lafs };
}

const round = (x: number) => Math.round(x * 10) / 10;
