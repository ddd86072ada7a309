import { describe, expect, it } from 'vitest';
import { lastSeenText, presenceText } from './last-seen.ts';

const now = new Date(2026, 2, 10, 15, 0, 0);
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

describe('lastSeenText', () => {
  it('counts minutes, then hours, then names the day', () => {
    expect(lastSeenText(ago(20_000), now)).toBe('last seen just now');
    expect(lastSeenText(ago(5 * 60_000), now)).toBe('last seen 5 min ago');
    expect(lastSeenText(ago(59 * 60_000), now)).toBe('last seen 59 min ago');
    expect(lastSeenText(ago(2 * 3_600_000), now)).toBe('last seen 2 h ago');
    expect(lastSeenText(ago(7 * 3_600_000), now)).toMatch(/^last seen today at /);
    expect(lastSeenText(ago(20 * 3_600_000), now)).toMatch(/^last seen yesterday at /);
    expect(lastSeenText(ago(5 * 86_400_000), now)).toMatch(/^last seen \S/);
  });

  it('says nothing when unknown or hidden', () => {
    expect(lastSeenText(null, now)).toBe('');
    expect(lastSeenText('not a date', now)).toBe('');
  });

  it('online wins over last seen', () => {
    expect(presenceText({ online: true, lastSeen: null }, now)).toBe('online');
    expect(presenceText({ online: false, lastSeen: ago(3 * 60_000) }, now)).toBe('last seen 3 min ago');
    expect(presenceText({ online: false, lastSeen: null }, now)).toBe('');
  });
});
