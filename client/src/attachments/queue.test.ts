import { describe, expect, it } from 'vitest';
import { newId } from '#shared/ids';
import type { ApiAttachment } from '#shared/api/attachments';
import { MAX_RETRY_DELAY_MS, SERVER_ERROR_ATTEMPTS, UploadError, UploadQueue, type PendingUpload, type UploadStatus, type UploadStore } from './queue.ts';

class MemoryStore implements UploadStore {
  readonly rows = new Map<string, PendingUpload>();
  async list() {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }
  async get(id: string) {
    return this.rows.get(id);
  }
  async put(item: PendingUpload) {
    this.rows.set(item.id, { ...item });
  }
  async setError(id: string, error: string | null) {
    const r = this.rows.get(id);
    if (r) r.error = error;
  }
  async delete(id: string) {
    this.rows.delete(id);
  }
}

/** A timer that fires only when the test says so. */
class ManualTimer {
  pending: { fn: () => void; ms: number }[] = [];
  set = (fn: () => void, ms: number) => {
    const entry = { fn, ms };
    this.pending.push(entry);
    return () => (this.pending = this.pending.filter((p) => p !== entry));
  };
  fire() {
    const all = this.pending;
    this.pending = [];
    for (const p of all) p.fn();
  }
}

let clock = 1_000;
function item(name = 'a.png'): PendingUpload {
  return { id: newId(), messageId: newId(), roomId: 'R', blob: new Blob(['x']), name, mime: 'image/png', size: 1, text: '', replyTo: null, createdAt: clock++, error: null };
}
const stored = (u: PendingUpload): ApiAttachment => ({ id: u.id, name: u.name, mime: 'image/png', size: u.size, width: 2, height: 3, sha256: 'f'.repeat(64), hasThumbnail: true });

/** Lets the queue's promise chains run. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
};

function setup(upload: (u: PendingUpload, onProgress: (s: number, t: number) => void, signal: AbortSignal) => Promise<ApiAttachment>) {
  const store = new MemoryStore();
  const timer = new ManualTimer();
  const published: { messageId: string; attachment: ApiAttachment }[] = [];
  const statuses: [string, UploadStatus | null][] = [];
  const queue = new UploadQueue({
    store,
    upload,
    publish: async (u, a) => void published.push({ messageId: u.messageId, attachment: a }),
    onStatus: (id, s) => statuses.push([id, s]),
    setTimer: timer.set,
  });
  return { store, timer, published, statuses, queue };
}

describe('UploadQueue', () => {
  it('uploads, then publishes the message with what the server stored, then forgets the blob', async () => {
    const order: string[] = [];
    const t = setup(async (u, progress) => {
      progress(0, 10);
      progress(10, 10);
      order.push(`upload ${u.name}`);
      return stored(u);
    });
    const a = item('a.png');
    const b = item('b.png');
    await t.queue.add(a);
    await t.queue.add(b);
    await settle();
    expect(order).toEqual(['upload a.png', 'upload b.png']);
    expect(t.published.map((p) => p.messageId)).toEqual([a.messageId, b.messageId]);
    expect(t.published[0]!.attachment.width).toBe(2);
    expect(t.store.rows.size).toBe(0);
    expect(t.statuses).toContainEqual([a.id, { state: 'uploading', sent: 10, total: 10 }]);
    expect(t.statuses.at(-1)).toEqual([b.id, null]);
  });

  it('keeps a file while offline, retries with growing delays, and sends on wake', async () => {
    let online = false;
    const t = setup(async (u) => {
      if (!online) throw new UploadError('network', 'offline');
      return stored(u);
    });
    const a = item();
    await t.queue.add(a);
    await settle();
    expect(t.queue.status(a.id)).toEqual({ state: 'waiting', reason: 'offline' });
    expect(t.published).toEqual([]);
    expect(t.store.rows.has(a.id)).toBe(true);
    expect(t.timer.pending.map((p) => p.ms)).toEqual([1000]);
    t.timer.fire();
    await settle();
    expect(t.timer.pending.map((p) => p.ms)).toEqual([2000]);
    for (let i = 0; i < 6; i++) {
      t.timer.fire();
      await settle();
    }
    expect(t.timer.pending.map((p) => p.ms)).toEqual([MAX_RETRY_DELAY_MS]);

    online = true;
    t.queue.wake();
    await settle();
    expect(t.timer.pending).toEqual([]);
    expect(t.published.map((p) => p.messageId)).toEqual([a.messageId]);
    expect(t.store.rows.size).toBe(0);
  });

  it('picks up what a previous page left in the store (a reload)', async () => {
    const t = setup(async (u) => stored(u));
    const left = item();
    const failed = { ...item(), error: 'too large' };
    await t.store.put(left);
    await t.store.put(failed);
    await t.queue.start();
    await settle();
    expect(t.published.map((p) => p.messageId)).toEqual([left.messageId]);
    expect(t.queue.status(failed.id)).toEqual({ state: 'failed', error: 'too large' });
  });

  it('fails at once on a refusal, and sends after retry', async () => {
    let refuse = true;
    const t = setup(async (u) => {
      if (refuse) throw new UploadError('refused', 'The file is larger than 1 MB.');
      return stored(u);
    });
    const a = item();
    await t.queue.add(a);
    await settle();
    expect(t.queue.status(a.id)).toEqual({ state: 'failed', error: 'The file is larger than 1 MB.' });
    expect(t.store.rows.get(a.id)?.error).toBe('The file is larger than 1 MB.');
    expect(t.timer.pending).toEqual([]);
    // A later wake leaves a failed upload alone.
    t.queue.wake();
    await settle();
    expect(t.published).toEqual([]);

    refuse = false;
    await t.queue.retry(a.id);
    await settle();
    expect(t.published.map((p) => p.messageId)).toEqual([a.messageId]);
  });

  it(`tries server errors ${SERVER_ERROR_ATTEMPTS} times before showing a failure`, async () => {
    let calls = 0;
    const t = setup(async () => {
      calls++;
      throw new UploadError('server', 'The server answered 503.');
    });
    const a = item();
    await t.queue.add(a);
    await settle();
    for (let i = 1; i < SERVER_ERROR_ATTEMPTS; i++) {
      expect(t.queue.status(a.id)?.state).toBe('waiting');
      t.timer.fire();
      await settle();
    }
    expect(calls).toBe(SERVER_ERROR_ATTEMPTS);
    expect(t.queue.status(a.id)).toEqual({ state: 'failed', error: 'The server answered 503.' });
  });

  it('a cancel during the upload aborts it and publishes nothing', async () => {
    const signals: AbortSignal[] = [];
    let release!: () => void;
    const t = setup((u, _p, signal) => {
      signals.push(signal);
      return new Promise((resolve, reject) => {
        signal.addEventListener('abort', () => reject(new UploadError('aborted', 'aborted')));
        release = () => resolve(stored(u));
      });
    });
    const a = item();
    const b = item('b.png');
    await t.queue.add(a);
    await settle();
    expect(t.queue.status(a.id)?.state).toBe('uploading');
    await t.queue.add(b);
    await t.queue.cancel(a.id);
    await settle();
    expect(signals[0]?.aborted).toBe(true);
    expect(t.store.rows.has(a.id)).toBe(false);
    expect(t.queue.status(a.id)).toBeUndefined();
    // The next file goes on.
    expect(t.queue.status(b.id)?.state).toBe('uploading');
    release();
    await settle();
    expect(t.published.map((p) => p.messageId)).toEqual([b.messageId]);
  });

  it('a cancel that lands after the bytes arrived still publishes nothing', async () => {
    let release!: () => void;
    const t = setup((u) => new Promise((resolve) => (release = () => resolve(stored(u)))));
    const a = item();
    await t.queue.add(a);
    await settle();
    const cancelling = t.queue.cancel(a.id);
    release();
    await cancelling;
    await settle();
    expect(t.published).toEqual([]);
    expect(t.store.rows.size).toBe(0);
  });

  it('a failed publish keeps the file and shows the failure', async () => {
    const t = setup(async () => {
      throw new Error('not used');
    });
    const queue = new UploadQueue({
      store: t.store,
      upload: async (u) => stored(u),
      publish: async () => {
        throw new Error('The message is too long.');
      },
      setTimer: t.timer.set,
    });
    const a = item();
    await queue.add(a);
    await settle();
    expect(queue.status(a.id)).toEqual({ state: 'failed', error: 'The message is too long.' });
    expect(t.store.rows.has(a.id)).toBe(true);
  });
});
