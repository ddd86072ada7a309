/**
 * Dexie `liveQuery` as a Solid signal. The query depends on a reactive `source` (read
 * here, outside the async query, where Solid can track it): when the source changes, the
 * old subscription ends and a new one starts.
 */
import { liveQuery } from 'dexie';
import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';

export function createLiveQuery<S, T>(
  source: () => S | null | undefined | false,
  query: (s: S) => T | Promise<T>,
  initial: T,
): Accessor<T> {
  const [value, setValue] = createSignal<T>(initial, { equals: false });
  createEffect(() => {
    const s = source();
    if (s === null || s === undefined || s === false) {
      setValue(() => initial);
      return;
    }
    const sub = liveQuery(() => query(s)).subscribe({
      next: (v) => setValue(() => v),
      error: (e) => console.warn('liveQuery failed', e),
    });
    onCleanup(() => sub.unsubscribe());
  });
  return value;
}
