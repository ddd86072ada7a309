/**
 * The rows of a room's message list: messages in their one order (DESIGN §3) with a day
 * separator wherever the local calendar day of `createdAt` changes.
 */
import type { MessageRow } from '../storage/db.ts';

export type TimelineItem = { kind: 'day'; key: string; label: string } | { kind: 'message'; key: string; row: MessageRow; firstOfGroup: boolean };

/** Messages by the same author within this long form one group (the name shows once). */
const GROUP_MS = 5 * 60_000;

export function dayLabel(ms: number, now = new Date()): string {
  const d = new Date(ms);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const day = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const diff = Math.round((today - day) / 86_400_000);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Yesterday';
  return d.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', ...(d.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) });
}

function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** `rows` must already be in display order (by sort key). */
export function buildTimeline(rows: readonly MessageRow[], now = new Date()): TimelineItem[] {
  const out: TimelineItem[] = [];
  let lastDay = '';
  let prev: MessageRow | undefined;
  for (const row of rows) {
    const day = dayKey(row.createdAt);
    const newDay = day !== lastDay;
    if (newDay) {
      out.push({ kind: 'day', key: `day:${day}:${row.id}`, label: dayLabel(row.createdAt, now) });
      lastDay = day;
    }
    const firstOfGroup = newDay || !prev || prev.authorId !== row.authorId || row.createdAt - prev.createdAt > GROUP_MS;
    out.push({ kind: 'message', key: row.id, row, firstOfGroup });
    prev = row;
  }
  return out;
}
