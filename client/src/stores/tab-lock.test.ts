import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRoot, createSignal } from 'solid-js';
import { ACTIVE_KEY, createTabLock, lockName, type TabChannel, type TabLock, type TabLockDeps } from './tab-lock.ts';

// Node resolves solid-js to its server build, whose effects never run: use the browser one.
// @ts-expect-error the browser build has no declaration file of its own (same API as solid-js)
vi.mock('solid-js', () => import('solid-js/dist/solid.js'));

/** An in-memory LockManager: exclusive locks, `ifAvailable`, waiting in order, `signal`, `steal`. */
function fakeLocks() {
  /** The holder of each lock, and how to fail its request when the lock is stolen. */
  const holders = new Map<string, { reject(e: unknown): void }>();
  const queues = new Map<string, Array<() => void>>();
  const queue = (name: string) => queues.get(name) ?? queues.set(name, []).get(name)!;

  function grant(name: string, cb: LockGrantedCallback<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const holder = { reject };
      holders.set(name, holder);
      void Promise.resolve()
        .then(() => cb({ name, mode: 'exclusive' }))
        .then(resolve, reject)
        .finally(() => {
          if (holders.get(name) !== holder) return;
          holders.delete(name);
          queue(name).shift()?.();
        });
    });
  }

  const locks = {
    request(name: string, options: LockOptions, cb: LockGrantedCallback<unknown>): Promise<unknown> {
      if (options.steal) {
        holders.get(name)?.reject(new DOMException('stolen', 'AbortError'));
        return grant(name, cb);
      }
      if (!holders.has(name) && queue(name).length === 0) return grant(name, cb);
      if (options.ifAvailable) return Promise.resolve().then(() => cb(null));
      return new Promise((resolve, reject) => {
        const entry = () => void grant(name, cb).then(resolve, reject);
        queue(name).push(entry);
        options.signal?.addEventListener('abort', () => {
          const q = queue(name);
          if (!q.includes(entry)) return;
          q.splice(q.indexOf(entry), 1);
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    },
    query: () => Promise.resolve({ held: [], pending: [] }),
  } as unknown as LockManager;
  return { locks, isHeld: (name: string) => holders.has(name) };
}

/** BroadcastChannel between the fake tabs: everyone but the sender, asynchronously. */
function fakeBus() {
  const members = new Set<TabChannel>();
  return (): TabChannel => {
    const ch: TabChannel = {
      onmessage: null,
      postMessage(msg) {
        for (const m of members) if (m !== ch) setTimeout(() => m.onmessage?.({ data: msg } as MessageEvent));
      },
      close: () => void members.delete(ch),
    };
    members.add(ch);
    return ch;
  };
}

function memoryStorage(): TabLockDeps['storage'] & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

interface Tab {
  lock: TabLock;
  setUser(id: string | undefined): void;
  close(): void;
}

const roots: Array<() => void> = [];
afterEach(() => {
  for (const d of roots.splice(0)) d();
});

function world() {
  const { locks, isHeld } = fakeLocks();
  const channel = fakeBus();
  function open(user: string | undefined = 'u1', storage = memoryStorage(), opts: { deaf?: boolean } = {}): Tab {
    return createRoot((dispose) => {
      roots.push(dispose);
      // Not deduplicated, like a profile signal that gets a new object for the same user.
      const [userId, setUser] = createSignal(user, { equals: false });
      // A deaf tab (frozen, hung) gets no channel messages.
      const ch = channel();
      const lock = createTabLock(userId, { locks, channel: opts.deaf ? { ...ch, onmessage: null, close() {} } : ch, storage });
      return { lock, setUser, close: dispose };
    });
  }
  return { open, isHeld };
}

const settle = () => new Promise((r) => setTimeout(r, 0)).then(() => new Promise((r) => setTimeout(r, 0)));

describe('createTabLock', () => {
  it('makes the first tab active and the second one wait for "Use here"', async () => {
    const { open, isHeld } = world();
    const a = open();
    await settle();
    expect(a.lock.state()).toBe('active');
    expect(isHeld(lockName('u1'))).toBe(true);

    const b = open();
    await settle();
    expect(b.lock.state()).toBe('elsewhere');
    expect(b.lock.active()).toBe(false);
    expect(a.lock.state()).toBe('active');

    // The same user again (a refreshed profile) changes nothing.
    a.setUser('u1');
    expect(a.lock.state()).toBe('active');
    await settle();
    expect(a.lock.state()).toBe('active');
  });

  it('"Use here" makes the other tab step down and this one active', async () => {
    const { open } = world();
    const a = open();
    await settle();
    const b = open();
    await settle();

    b.lock.useHere();
    expect(b.lock.state()).toBe('claiming');
    await settle();
    expect(a.lock.state()).toBe('elsewhere');
    expect(b.lock.state()).toBe('active');

    // And back again.
    a.lock.useHere();
    await settle();
    expect(a.lock.state()).toBe('active');
    expect(b.lock.state()).toBe('elsewhere');
  });

  it('lets the lock go when the active tab closes, and no waiting tab takes it by itself', async () => {
    const { open, isHeld } = world();
    const a = open();
    await settle();
    const b = open();
    await settle();
    a.close();
    await settle();
    expect(isHeld(lockName('u1'))).toBe(false);
    expect(b.lock.state()).toBe('elsewhere');
    // A tab opened now is the active one; "Use here" in b then still works.
    const c = open();
    await settle();
    expect(c.lock.state()).toBe('active');
    b.lock.useHere();
    await settle();
    expect(b.lock.state()).toBe('active');
    expect(c.lock.state()).toBe('elsewhere');
  });

  it('keeps one lock per user, and lets go of it on sign-out', async () => {
    const { open, isHeld } = world();
    const a = open('u1');
    const b = open('u2');
    await settle();
    expect(a.lock.state()).toBe('active');
    expect(b.lock.state()).toBe('active');
    a.setUser(undefined);
    await settle();
    expect(a.lock.state()).toBe('idle');
    expect(isHeld(lockName('u1'))).toBe(false);
    // A "Use here" for another user leaves this tab alone.
    const c = open('u1');
    await settle();
    c.lock.useHere();
    await settle();
    expect(b.lock.state()).toBe('active');
  });

  it('a reloaded active tab waits for its previous document to let go of the lock', async () => {
    const { open } = world();
    const storage = memoryStorage();
    const before = open('u1', storage);
    await settle();
    expect(storage.data.get(ACTIVE_KEY)).toBe('u1');
    // The reload's new document asks while the old one still holds the lock.
    const after = open('u1', storage);
    await settle();
    expect(after.lock.state()).toBe('checking');
    before.close();
    await settle();
    expect(after.lock.state()).toBe('active');
  });

  it('a tab that stepped down is no longer resumed on reload, and gives up waiting after a while', async () => {
    const { open } = world();
    const storage = memoryStorage();
    const a = open('u1', storage);
    await settle();
    const b = open();
    await settle();
    b.lock.useHere();
    await settle();
    expect(storage.data.has(ACTIVE_KEY)).toBe(false);

    // A copied sessionStorage (a duplicated tab) waits, then shows the other-tab screen.
    vi.useFakeTimers();
    try {
      const copy = memoryStorage();
      copy.setItem(ACTIVE_KEY, 'u1');
      const dup = open('u1', copy);
      await vi.advanceTimersByTimeAsync(0);
      expect(dup.lock.state()).toBe('checking');
      await vi.advanceTimersByTimeAsync(10_000);
      expect(dup.lock.state()).toBe('elsewhere');
      expect(b.lock.state()).toBe('active');
    } finally {
      vi.useRealTimers();
    }
    expect(a.lock.state()).toBe('elsewhere');
  });

  it('"Use here" takes the lock from an active tab that does not step down', async () => {
    vi.useFakeTimers();
    try {
      const { open } = world();
      const a = open('u1', memoryStorage(), { deaf: true });
      await vi.advanceTimersByTimeAsync(0);
      const b = open();
      await vi.advanceTimersByTimeAsync(0);
      expect(b.lock.state()).toBe('elsewhere');
      b.lock.useHere();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(b.lock.state()).toBe('claiming');
      expect(a.lock.state()).toBe('active');
      await vi.advanceTimersByTimeAsync(10_000);
      expect(b.lock.state()).toBe('active');
      expect(a.lock.state()).toBe('elsewhere');
    } finally {
      vi.useRealTimers();
    }
  });

  it('is always active without Web Locks', () => {
    const tab = createRoot((dispose) => {
      roots.push(dispose);
      return createTabLock(() => 'u1', { locks: null, channel: null, storage: null });
    });
    expect(tab.active()).toBe(true);
  });
});
