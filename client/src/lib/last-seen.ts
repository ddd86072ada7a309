/** "online" / "last seen 5 min ago": the words of presence (DESIGN §1), pure for testing. */

export interface PresenceLike {
  online: boolean;
  lastSeen: string | null;
}

/**
 * `last seen just now`, `last seen 5 min ago`, `last seen 2 h ago` (within 6 hours),
 * `last seen today at 09:12`, `last seen yesterday at 22:40`, `last seen 3 Mar`; '' when
 * the time is unknown or hidden.
 */
export function lastSeenText(iso: string | null, now: Date = new Date()): string {
  if (!iso) return '';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '';
  const mins = Math.floor((now.getTime() - t.getTime()) / 60_000);
  if (mins < 1) return 'last seen just now';
  if (mins < 60) return `last seen ${mins} min ago`;
  if (mins < 6 * 60) return `last seen ${Math.floor(mins / 60)} h ago`;
  const clock = t.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (t.toDateString() === now.toDateString()) return `last seen today at ${clock}`;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (t.toDateString() === yesterday.toDateString()) return `last seen yesterday at ${clock}`;
  return `last seen ${t.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: t.getFullYear() === now.getFullYear() ? undefined : 'numeric' })}`;
}

/** `online`, a last-seen text, or '' (hidden, unknown). */
export function presenceText(p: PresenceLike, now: Date = new Date()): string {
  return p.online ? 'online' : lastSeenText(p.lastSeen, now);
}
