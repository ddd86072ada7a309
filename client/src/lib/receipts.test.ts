import { describe, expect, it } from 'vitest';
import { maxSeq, receiptGroups, tickState } from './receipts.ts';

const none = new Map<string, number>();

describe('tickState', () => {
  it('is pending without a seq, sent with one', () => {
    expect(tickState(null, ['b'], none, {})).toBe('pending');
    expect(tickState(4, ['b'], none, {})).toBe('sent');
  });

  it('is delivered only when every other member has it on some device', () => {
    const delivered = new Map([['b', 5]]);
    expect(tickState(4, ['b', 'c'], delivered, {})).toBe('sent');
    expect(tickState(4, ['b', 'c'], new Map([['b', 5], ['c', 4]]), {})).toBe('delivered');
    // A watermark below the message does not count.
    expect(tickState(6, ['b', 'c'], new Map([['b', 5], ['c', 9]]), {})).toBe('sent');
  });

  it('is read only when every other member read it; reading counts as receiving', () => {
    expect(tickState(4, ['b', 'c'], new Map([['b', 4], ['c', 4]]), { b: 4 })).toBe('delivered');
    expect(tickState(4, ['b', 'c'], none, { b: 4, c: 7 })).toBe('read');
    // c read it (so has it) although its delivered watermark lags behind.
    expect(tickState(4, ['b', 'c'], new Map([['b', 4]]), { c: 4 })).toBe('delivered');
  });

  it('never reaches read when a member hides read positions (absent from reads)', () => {
    expect(tickState(2, ['b', 'c'], new Map([['b', 9], ['c', 9]]), { b: 9 })).toBe('delivered');
  });

  it('stays sent when nobody else is in the room', () => {
    expect(tickState(3, [], none, {})).toBe('sent');
  });

  it('moves forward as watermarks grow, never back', () => {
    const states = [
      tickState(3, ['b'], new Map([['b', 2]]), {}),
      tickState(3, ['b'], new Map([['b', 3]]), {}),
      tickState(3, ['b'], new Map([['b', 3]]), { b: 3 }),
      tickState(3, ['b'], new Map([['b', 8]]), { b: 8 }),
    ];
    expect(states).toEqual(['sent', 'delivered', 'read', 'read']);
  });
});

describe('receiptGroups', () => {
  it('puts each other member in exactly one group', () => {
    const g = receiptGroups(5, ['b', 'c', 'd', 'e'], new Map([['b', 5], ['c', 6], ['d', 4]]), { b: 5, e: 5 });
    expect(g).toEqual({ read: ['b', 'e'], delivered: ['c'], waiting: ['d'], total: 4 });
  });

  it('counts everyone as waiting for a pending message', () => {
    expect(receiptGroups(null, ['b', 'c'], new Map([['b', 9]]), { b: 9 })).toEqual({ read: [], delivered: [], waiting: ['b', 'c'], total: 2 });
  });
});

describe('maxSeq', () => {
  it('takes the largest positive integer, ignoring garbage', () => {
    expect(maxSeq([3, 'x', 9.5, null, 7, -2, undefined])).toBe(7);
    expect(maxSeq([])).toBe(0);
  });
});
