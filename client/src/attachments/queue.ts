/**
 * The upload queue: files sent from the composer wait here (persisted by the store, so a
 * reload or a lost connection keeps them) until the server has their bytes; only then is
 * the message written into the room document (`publish`), so no member ever sees a
 * message that names an attachment the server doesn't hold.
 *
 * One upload at a time, oldest first, so messages keep the order they were sent in.
 * No answer from the server (offline, tunnel) means "waiting": tried again with backoff
 * and at once on {@link UploadQueue.wake}. A refusal (too large, conflict) fails at once;
 * server errors fail after a few attempts. A failed upload waits for {@link UploadQueue.retry}.
 * The queue knows no Dexie, XMLHttpRequest or Yjs: its store, uploader and publisher are given.
 */
import type { ApiAttachment } from '#shared/api/attachments';
import type { PendingAttachmentRow } from '../storage/db.ts';

export type PendingUpload = PendingAttachmentRow;

/** Where pending uploads are kept (the Dexie `attachments` table in the app). */
export interface UploadStore {
  list(): Promise<PendingUpload[]>;
  get(id: string): Promise<PendingUpload | undefined>;
  put(item: PendingUpload): Promise<void>;
  setError(id: string, error: string | null): Promise<void>;
  delete(id: string): Promise<void>;
}

/** Sends the bytes; rejects with an {@link UploadError}. */
export type Uploader = (item: PendingUpload, onProgress: (sent: number, total: number) => void, signal: AbortSignal) => Promise<ApiAttachment>;

/** Writes the message that names the uploaded attachment (idempotent by `messageId`). */
export type Publisher = (item: PendingUpload, attachment: ApiAttachment) => Promise<void>;

/** Why an upload did not succeed, as the queue needs to know it. */
export class UploadError extends Error {
  constructor(
    /** `network`: no answer, try again later; `server`: 5xx/429, a few tries; `refused`: final. */
    readonly kind: 'network' | 'server' | 'refused' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/** What the screens show for one pending upload. */
export type UploadStatus =
  | { state: 'waiting'; reason: 'queued' | 'offline' }
  | { state: 'uploading'; sent: number; total: number }
  | { state: 'failed'; error: string };

export interface UploadQueueOptions {
  store: UploadStore;
  upload: Uploader;
  publish: Publisher;
  /** Called whenever an item's status changes; `null` once it is gone (sent or cancelled). */
  onStatus?: (id: string, status: UploadStatus | null) => void;
  /** Timer for retries; tests pass a manual one. */
  setTimer?: (fn: () => void, ms: number) => () => void;
}

/** Retry delays after "no answer": 1 s doubling to this cap. */
export const MAX_RETRY_DELAY_MS = 15_000;
/** Attempts on server errors before the upload is shown as failed. */
export const SERVER_ERROR_ATTEMPTS = 3;

const defaultTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

export class UploadQueue {
  private readonly statuses = new Map<string, UploadStatus>();
  private readonly cancelled = new Set<string>();
  private current: { id: string; abort: AbortController } | null = null;
  private running = false;
  private again = false;
  private stopped = false;
  private offlineStreak = 0;
  private serverErrors = new Map<string, number>();
  private cancelTimer: (() => void) | null = null;
  private readonly setTimer: NonNullable<UploadQueueOptions['setTimer']>;

  constructor(private readonly opts: UploadQueueOptions) {
    this.setTimer = opts.setTimer ?? defaultTimer;
  }

  /** Reads what the store holds (after a reload) and starts uploading. */
  async start(): Promise<void> {
    for (const item of await this.opts.store.list()) {
      this.setStatus(item.id, item.error ? { state: 'failed', error: item.error } : { state: 'waiting', reason: 'queued' });
    }
    this.wake();
  }

  /** Stores a new upload (it survives reloads from here on) and starts it when it can. */
  async add(item: PendingUpload): Promise<void> {
    await this.opts.store.put({ ...item, error: null });
    this.setStatus(item.id, { state: 'waiting', reason: 'queued' });
    this.wake();
  }

  /** Tries waiting uploads now (the connection came back, or the app woke up). */
  wake(): void {
    if (this.stopped) return;
    this.offlineStreak = 0;
    this.cancelTimer?.();
    this.cancelTimer = null;
    void this.pump();
  }

  /** Puts a failed upload back in line. */
  async retry(id: string): Promise<void> {
    if (!(await this.opts.store.get(id))) return;
    this.serverErrors.delete(id);
    await this.opts.store.setError(id, null);
    this.setStatus(id, { state: 'waiting', reason: 'queued' });
    this.wake();
  }

  /** Drops an upload that hasn't been published yet (stopping it if it is running). */
  async cancel(id: string): Promise<void> {
    this.cancelled.add(id);
    if (this.current?.id === id) this.current.abort.abort();
    await this.opts.store.delete(id);
    this.setStatus(id, null);
  }

  status(id: string): UploadStatus | undefined {
    return this.statuses.get(id);
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.current?.abort.abort();
  }

  private setStatus(id: string, status: UploadStatus | null): void {
    if (status) this.statuses.set(id, status);
    else this.statuses.delete(id);
    this.opts.onStatus?.(id, status);
  }

  private async pump(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        const items = (await this.opts.store.list()).filter((i) => !i.error).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
        for (const item of items) {
          if (this.stopped) return;
          if (this.cancelled.has(item.id)) continue;
          const outcome = await this.attempt(item);
          if (outcome === 'offline') {
            // The next ones would find no network either; wait for a wake or the timer.
            for (const rest of items) if (rest !== item && this.statuses.get(rest.id)?.state === 'waiting') this.setStatus(rest.id, { state: 'waiting', reason: 'offline' });
            this.scheduleRetry();
            break;
          }
          if (outcome === 'retry-later') this.scheduleRetry();
        }
      } while (this.again && !this.stopped);
    } finally {
      this.running = false;
    }
  }

  private scheduleRetry(): void {
    if (this.stopped || this.cancelTimer) return;
    const delay = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** this.offlineStreak);
    this.offlineStreak++;
    this.cancelTimer = this.setTimer(() => {
      this.cancelTimer = null;
      void this.pump();
    }, delay);
  }

  private async attempt(item: PendingUpload): Promise<'done' | 'offline' | 'retry-later' | 'failed'> {
    const abort = new AbortController();
    this.current = { id: item.id, abort };
    this.setStatus(item.id, { state: 'uploading', sent: 0, total: item.size });
    try {
      const stored = await this.opts.upload(item, (sent, total) => {
        if (!abort.signal.aborted) this.setStatus(item.id, { state: 'uploading', sent, total });
      }, abort.signal);
      if (this.cancelled.has(item.id)) return 'done';
      await this.opts.publish(item, stored);
      this.offlineStreak = 0;
      this.serverErrors.delete(item.id);
      await this.opts.store.delete(item.id);
      this.setStatus(item.id, null);
      return 'done';
    } catch (e) {
      if (this.cancelled.has(item.id)) return 'done';
      const err = e instanceof UploadError ? e : new UploadError('refused', e instanceof Error ? e.message : String(e));
      if (err.kind === 'network' || err.kind === 'aborted') {
        this.setStatus(item.id, { state: 'waiting', reason: 'offline' });
        return 'offline';
      }
      const tries = (this.serverErrors.get(item.id) ?? 0) + 1;
      this.serverErrors.set(item.id, tries);
      if (err.kind === 'server' && tries < SERVER_ERROR_ATTEMPTS) {
        this.setStatus(item.id, { state: 'waiting', reason: 'queued' });
        return 'retry-later';
      }
      await this.opts.store.setError(item.id, err.message);
      this.setStatus(item.id, { state: 'failed', error: err.message });
      return 'failed';
    } finally {
      if (this.current?.abort === abort) this.current = null;
    }
  }
}
