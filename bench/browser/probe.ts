/**
 * What runs inside the page to time it, from `context.addInitScript` (before the app's
 * own scripts). Times are `performance.now()`, so zero is the navigation start. A moment
 * counts as "rendered" once the frame that shows it is done: the DOM is watched with a
 * MutationObserver, then one `requestAnimationFrame` and a MessageChannel hop (which runs
 * after that frame's style, layout and paint) give the time.
 */

export interface ProbeTimes {
  /** The chat list shows the big room's row. */
  chatList?: number;
  /** The click on the big room's row. */
  roomClick?: number;
  /** The room shows its newest message. */
  roomNewest?: number;
}

/** The probe, as a function serialised into the page; `cfg` names what to wait for. */
export function installProbe(cfg: { roomName: string; newestPrefix: string }): void {
  const w = window as unknown as { __bench: ProbeTimes & { frames?: number[]; lafs?: unknown[] } };
  const t: ProbeTimes = {};
  w.__bench = t;
  const afterFrame = (set: (now: number) => void) =>
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => set(performance.now());
      ch.port2.postMessage(0);
    });
  const listReady = () => {
    const nav = document.querySelector('nav[aria-label="Chats"]');
    if (!nav) return false;
    for (const a of nav.querySelectorAll('a')) if (a.textContent?.includes(cfg.roomName)) return true;
    return false;
  };
  const newestShown = () => {
    const texts = document.querySelectorAll('[role="log"] .msg-text');
    for (let i = texts.length - 1; i >= 0; i--) if (texts[i]!.textContent?.startsWith(cfg.newestPrefix)) return true;
    return false;
  };
  let listSeen = false;
  let newestSeen = false;
  const obs = new MutationObserver(() => {
    if (!listSeen && listReady()) {
      listSeen = true;
      afterFrame((n) => (t.chatList = n));
    }
    if (t.roomClick !== undefined && !newestSeen && newestShown()) {
      newestSeen = true;
      afterFrame((n) => (t.roomNewest = n));
      obs.disconnect();
    }
  });
  const start = () => obs.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
  document.addEventListener(
    'click',
    (e) => {
      const a = (e.target as Element | null)?.closest?.('a');
      if (t.roomClick === undefined && a?.textContent?.includes(cfg.roomName)) t.roomClick = performance.now();
    },
    true,
  );
}

/** In the page: records `requestAnimationFrame` times until `stop` is called. */
export function startFrameRecorder(): void {
  const w = window as unknown as { __frames: number[]; __framesOn: boolean; __lafs: { duration: number; blockingDuration: number }[] };
  w.__frames = [];
  w.__lafs = [];
  w.__framesOn = true;
  const tick = (now: number) => {
    if (!w.__framesOn) return;
    w.__frames.push(now);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  try {
    // Long animation frames (≥ 50 ms) with their blocking time, where supported.
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { duration: number; blockingDuration: number }[]) {
        if (w.__framesOn) w.__lafs.push({ duration: e.duration, blockingDuration: e.blockingDuration });
      }
    }).observe({ type: 'long-animation-frame', buffered: false });
  } catch {
    // not supported: the rAF deltas still tell.
  }
}

export function stopFrameRecorder(): { frames: number[]; lafs: { duration: number; blockingDuration: number }[] } {
  const w = window as unknown as { __frames: number[]; __framesOn: boolean; __lafs: { duration: number; blockingDuration: number }[] };
  w.__framesOn = false;
  return { frames: w.__frames, lafs: w.__lafs };
}
