import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { assignSeq, deliveredWatermarks, markDelivered, sendMessage } from '#shared/room-doc/ops';
import { newId } from '#shared/ids';
import { ThrottledWatermark, watchHighestSeq } from './watermarks.ts';

const timing = { intervalMs: 2_000, settleMs: 300 };

describe('ThrottledWatermark', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  function make() {
    const writes: number[] = [];
    const w = new ThrottledWatermark((s) => writes.push(s), timing, () => Date.now());
    return { w, writes };
  }

  it('turns a burst into one write of the highest seq', () => {
    const { w, writes } = make();
    for (const s of [1, 5, 3, 9, 2]) w.offer(s);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(300);
    expect(writes).toEqual([9]);
  });

  it('writes at most once per interval, then the latest value', () => {
    const { w, writes } = make();
    w.offer(1);
    vi.advanceTimersByTime(300);
    w.offer(2);
    vi.advanceTimersByTime(300);
    w.offer(3);
    vi.advanceTimersByTime(1_000);
    expect(writes).toEqual([1]);
    vi.advanceTimersByTime(1_000);
    expect(writes).toEqual([1, 3]);
  });

  it('never goes backwards and never writes the same value twice', () => {
    const { w, writes } = make();
    w.offer(7);
    vi.advanceTimersByTime(300);
    w.offer(4);
    w.offer(7);
    vi.advanceTimersByTime(10_000);
    w.flush();
    expect(writes).toEqual([7]);
    expect(w.value).toBe(7);
  });

  it('flush writes what is pending at once; dispose drops it', () => {
    const { w, writes } = make();
    w.offer(2);
    w.flush();
    expect(writes).toEqual([2]);
    w.offer(3);
    w.dispose();
    vi.advanceTimersByTime(10_000);
    expect(writes).toEqual([2]);
  });
});

describe('watchHighestSeq with markDelivered', () => {
  const me = newId();
  const author = newId();

  function docWith(n: number): { doc: Y.Doc; keys: string[] } {
    const doc = new Y.Doc();
    const keys: string[] = [];
    for (let i = 0; i < n; i++) keys.push(`${author}:${sendMessage(doc, { authorId: author, deviceId: 'd1', text: `m${i}` }).id}`);
    return { doc, keys };
  }

  it('reports the highest seq already there and each new one, and the watermark only moves forward', () => {
    const { doc, keys } = docWith(4);
    assignSeq(doc, keys[0]!, 1);
    assignSeq(doc, keys[1]!, 2);
    const seen: number[] = [];
    const stop = watchHighestSeq(doc, (s) => {
      seen.push(s);
      markDelivered(doc, me, 'dev1', s);
    });
    // A catch-up: two seqs in one transaction give one report.
    doc.transact(() => {
      assignSeq(doc, keys[3]!, 4);
      assignSeq(doc, keys[2]!, 3);
    });
    expect(seen).toEqual([2, 4]);
    expect(deliveredWatermarks(doc).get(me)).toBe(4);
    expect(markDelivered(doc, me, 'dev1', 3)).toBe(false);
    expect(deliveredWatermarks(doc).get(me)).toBe(4);
    // Changes to messages (not order) report nothing.
    sendMessage(doc, { authorId: author, deviceId: 'd1', text: 'late' });
    expect(seen).toEqual([2, 4]);
    stop();
  });

  it('takes the max over a user\'s devices', () => {
    const { doc } = docWith(0);
    markDelivered(doc, me, 'phone', 3);
    markDelivered(doc, me, 'laptop', 8);
    markDelivered(doc, author, 'x', 5);
    expect(deliveredWatermarks(doc)).toEqual(new Map([[me, 8], [author, 5]]));
  });
});
