/** Small text helpers shared by the screens. */
import type { Room } from '#shared/api/rooms';

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The second line of a chat-list row: the last message, else what kind of room it is. */
export function roomSubtitle(room: Room): string {
  if (room.lastMessage) return room.lastMessage.deleted ? 'Message deleted' : room.lastMessage.text;
  if (room.kind === 'dm') return 'Direct message';
  return `${room.visibility === 'public' ? 'Public group' : 'Group'} · ${plural(room.members.length, 'member')}`;
}

/** `14:05` today, `Mon` this week, else `3 Mar`. */
export function shortTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const days = (now.getTime() - d.getTime()) / 86_400_000;
  if (d.toDateString() === now.toDateString()) return FORMATS.time.format(d);
  if (days < 6) return FORMATS.weekday.format(d);
  return FORMATS.day.format(d);
}

/** Message info's times: `today 14:05`, `yesterday 09:12`, `Mon 14:05`, else `3 Mar 14:05`. */
export function receiptTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const time = FORMATS.time.format(d);
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (d.toDateString() === now.toDateString()) return `today ${time}`;
  if (d.toDateString() === yesterday.toDateString()) return `yesterday ${time}`;
  if ((now.getTime() - d.getTime()) / 86_400_000 < 6) return `${FORMATS.weekday.format(d)} ${time}`;
  return `${FORMATS.day.format(d)} ${time}`;
}

// Built once: `toLocale…String` with options makes a new formatter per call (slow on phones).
const FORMATS = {
  time: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }),
  weekday: new Intl.DateTimeFormat(undefined, { weekday: 'short' }),
  day: new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }),
};
