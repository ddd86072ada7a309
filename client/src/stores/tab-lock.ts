/**
 * createTabLock: one writing tab per user in a browser profile (DESIGN §8). Each tab that
 * syncs loads its own Y.Docs, and every Y.Doc instance is a new Yjs client the server
 * keeps for ever; two tabs would also sync, upload and write the same rooms twice. So only
 * the tab holding the Web Lock `parley:active:<userId>` is the active Parley. A tab that
 * finds the lock taken stays inactive until the user clicks "Use here": it then asks the
 * holder over a BroadcastChannel to step down and queues for the lock. Closing the active
 * tab frees the lock, but no waiting tab takes it silently. Without Web Locks every tab is
 * active, as before.
 *
 * A reload is the exception: the page's previous document may still hold the lock for a
 * moment when the new one asks. The active tab marks itself in sessionStorage (which a
 * reload keeps), and a marked tab waits briefly for the lock instead of giving up at once.
 *
 * An active tab that does not answer "Use here" (frozen in the background, hung) has the
 * lock taken from it after a while (`steal`); it learns so when it runs again, and pauses.
 */
import { createEffect, createMemo, createSignal, on, onCleanup, type Accessor } from 'solid-js';

/**
 * `idle`: nobody signed in; `checking`: asking for the lock at start; `elsewhere`: another
 * tab has it (or had it, and nobody claimed it since); `claiming`: "Use here" was clicked,
 * waiting for the lock.
 */
export type TabState = 'idle' | 'checking' | 'active' | 'elsewhere' | 'claiming';

export interface TabLock {
  state: Accessor<TabState>;
  /** True while this tab may sync and write for the signed-in user. */
  active: Accessor<boolean>;
  /** Makes this tab the active one: the active tab steps down, this one takes the lock. */
  useHere(): void;
}

/** The part of BroadcastChannel used here. */
export interface TabChannel {
  postMessage(msg: unknown): void;
  onmessage: ((ev: MessageEvent) => void) | null;
  close(): void;
}

export interface TabLockDeps {
  locks: LockManager | null;
  channel: TabChannel | null;
  /** sessionStorage: survives a reload of this tab, not shared with other tabs. */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
}

type TabMessage = { type: 'use-here'; userId: string };

export const CHANNEL_NAME = 'parley-tabs';
export const lockName = (userId: string) => `parley:active:${userId}`;
/** sessionStorage key: the user this tab was active for (kept across a reload). */
export const ACTIVE_KEY = 'parley:active-tab';
/** How long a reloaded active tab waits for its previous document to let go of the lock. */
export const RESUME_WAIT_MS = 5_000;
/** How long "Use here" waits for the active tab to step down before taking the lock from it. */
export const CLAIM_WAIT_MS = 5_000;

/**
 * How to ask: `check` takes the lock only if it is free (a tab opening), `resume` waits a
 * little (a reload of the active tab), `claim` waits for the active tab to step down ("Use
 * here"), `steal` takes the lock from an active tab that did not.
 */
type Mode = 'check' | 'resume' | 'claim' | 'steal';

export function browserTabLockDeps(): TabLockDeps {
  return {
    locks: typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null,
    channel: typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null,
    storage: safeSessionStorage(),
  };
}

/** Call inside a reactive owner: the lock and the channel go when it is disposed. */
export function createTabLock(userId: Accessor<string | undefined>, deps: TabLockDeps = browserTabLockDeps()): TabLock {
  const { locks, channel, storage } = deps;
  const [state, setState] = createSignal<TabState>(locks ? 'idle' : 'active');
  /** What this tab holds or waits for; a request whose attempt is no longer current gives up. */
  let current: { userId: string; release: () => void; abort: AbortController } | null = null;

  function drop() {
    const attempt = current;
    current = null;
    attempt?.abort.abort();
    attempt?.release();
  }

  /** Inactive (another tab has Parley, or this one stepped down): no longer resumed on reload. */
  function inactive() {
    setState('elsewhere');
    mark(null);
  }

  function mark(user: string | null) {
    try {
      if (user) storage?.setItem(ACTIVE_KEY, user);
      else storage?.removeItem(ACTIVE_KEY);
    } catch {
      // Storage refused (private mode): a reload then shows the other-tab screen at worst.
    }
  }

  function readMark(): string | null {
    try {
      return storage?.getItem(ACTIVE_KEY) ?? null;
    } catch {
      return null;
    }
  }

  function acquire(user: string, mode: Mode) {
    if (!locks) return;
    drop();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const attempt = { userId: user, release, abort: new AbortController() };
    current = attempt;
    setState(mode === 'claim' || mode === 'steal' ? 'claiming' : 'checking');
    const options: LockOptions =
      mode === 'check' ? { ifAvailable: true } : mode === 'steal' ? { steal: true } : { signal: attempt.abort.signal };
    const timer =
      mode === 'resume'
        ? setTimeout(() => attempt.abort.abort(), RESUME_WAIT_MS)
        : mode === 'claim'
          ? setTimeout(() => current === attempt && acquire(user, 'steal'), CLAIM_WAIT_MS)
          : undefined;
    locks
      .request(lockName(user), options, async (lock) => {
        clearTimeout(timer);
        if (current !== attempt) return;
        if (!lock) {
          current = null;
          inactive();
          return;
        }
        setState('active');
        mark(user);
        // Held until this tab steps down, the user changes, or the tab goes away.
        await held;
      })
      .catch(() => {
        clearTimeout(timer);
        // Aborted (we gave up waiting) or stolen from us: inactive unless we moved on.
        if (current !== attempt) return;
        inactive();
        drop();
      });
  }

  if (locks) {
    // By value: a refreshed profile of the same user keeps the lock (and the app mounted).
    const signedIn = createMemo(userId);
    createEffect(
      on(signedIn, (user) => {
        drop();
        if (user) acquire(user, readMark() === user ? 'resume' : 'check');
        else {
          setState('idle');
          mark(null);
        }
      }),
    );
  }

  if (channel) {
    channel.onmessage = (ev: MessageEvent<TabMessage>) => {
      if (ev.data?.type !== 'use-here' || !current || ev.data.userId !== current.userId) return;
      // The state goes first so that the sync manager is disposed before the lock is free.
      inactive();
      drop();
    };
  }

  onCleanup(() => {
    drop();
    channel?.close();
  });

  return {
    state,
    active: () => state() === 'active',
    useHere() {
      const user = userId();
      if (!locks || !user || state() === 'active') return;
      const msg: TabMessage = { type: 'use-here', userId: user };
      channel?.postMessage(msg);
      acquire(user, 'claim');
    },
  };
}

function safeSessionStorage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}
