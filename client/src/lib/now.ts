/** A Solid signal of the current time, ticking every `ms` (for "5 min ago" labels). */
import { createSignal, onCleanup, type Accessor } from 'solid-js';

export function createNow(ms = 30_000): Accessor<Date> {
  const [now, setNow] = createSignal(new Date());
  const timer = setInterval(() => setNow(new Date()), ms);
  onCleanup(() => clearInterval(timer));
  return now;
}
