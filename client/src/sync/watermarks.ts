/**
 * Delivered and read watermarks (DESIGN §3, §8): every write to a Yjs map leaves a
 * tombstone and travels to every member, so a device writes its watermark at most every
 * few seconds, one write per burst (a catch-up after being offline applies hundreds of
 * `seq`s in one go and gives one write), and never backwards.
 */
import type * as Y from 'yjs';
import { orderMap } from '#shared/room-doc/ops';
import { maxSeq } from '../lib/receipts.ts';

/** Timing of watermark writes. */
export interface WatermarkTiming {
  /** At most one write per this long. */
  intervalMs: number;
  /** Wait this long after the first new `seq` so a burst becomes one write. */
  settleMs: number;
}

export const WATERMARK_TIMING: WatermarkTiming = { intervalMs: 2_000, settleMs: 300 };

/**
 * A forward-only watermark written through `write`, throttled: {@link offer} any `seq`
 * as often as you like; the highest one is written after the settle time, and no sooner
 * than `intervalMs` after the previous write.
 */
export class ThrottledWatermark {
  private offered = 0;
  private written = 0;
  private lastWrite = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly write: (seq: number) => void,
    private readonly timing: WatermarkTiming = WATERMARK_TIMING,
    private readonly now: () => number = Date.now,
  ) {}

  /** The highest `seq` offered so far. */
  get value(): number {
    return this.offered;
  }

  offer(seq: number): void {
    if (!(seq > this.offered)) return;
    this.offered = seq;
    if (this.timer !== undefined) return;
    const wait = Math.max(this.timing.settleMs, this.lastWrite + this.timing.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Writes what is pending now (the page is hidden, the room closes). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.offered <= this.written) return;
    this.written = this.offered;
    this.lastWrite = this.now();
    this.write(this.offered);
  }

  /** Stops without writing what is pending. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Calls `onSeq` with the highest `seq` in a room document's `order` now and whenever
 * `order` grows (only the server writes it, so every `seq` there has reached this device).
 * Returns the detach function.
 */
export function watchHighestSeq(doc: Y.Doc, onSeq: (seq: number) => void): () => void {
  const order = orderMap(doc);
  const first = maxSeq(order.values());
  if (first > 0) onSeq(first);
  const observer = (ev: Y.YMapEvent<unknown>) => {
    const seq = maxSeq([...ev.keysChanged].map((k) => order.get(k)));
    if (seq > 0) onSeq(seq);
  };
  order.observe(observer);
  return () => order.unobserve(observer);
}
