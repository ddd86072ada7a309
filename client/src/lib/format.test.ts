import { describe, expect, it } from 'vitest';
import { receiptTime, shortTime } from './format.ts';

const now = new Date(2026, 10, 26, 15, 30); // Thu 26 Nov 2026, 15:30 local
const at = (day: number, h: number, m: number) => new Date(2026, 10, day, h, m).toISOString();
const time = (h: number, m: number) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(2026, 0, 1, h, m));

describe('receiptTime', () => {
  it('says today and yesterday by name, with the time', () => {
    expect(receiptTime(at(26, 9, 5), now)).toBe(`today ${time(9, 5)}`);
    expect(receiptTime(at(25, 23, 59), now)).toBe(`yesterday ${time(23, 59)}`);
  });
  it('gives the weekday within the week and the date before that', () => {
    const mon = new Intl.DateTimeFormat(undefined, { weekday: 'short' }).format(new Date(2026, 10, 23));
    expect(receiptTime(at(23, 8, 0), now)).toBe(`${mon} ${time(8, 0)}`);
    const early = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }).format(new Date(2026, 10, 2));
    expect(receiptTime(at(2, 8, 0), now)).toBe(`${early} ${time(8, 0)}`);
  });
  it('is empty for a bad date', () => {
    expect(receiptTime('nonsense', now)).toBe('');
    expect(shortTime('nonsense', now)).toBe('');
  });
});
