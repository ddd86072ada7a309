import { describe, expect, it } from 'vitest';
import { showAppBadge, totalUnread, type BadgingNavigator } from './app-badge.ts';

function fakeNavigator(opts: { reject?: boolean } = {}) {
  const calls: string[] = [];
  const answer = () => (opts.reject ? Promise.reject(new DOMException('no', 'NotAllowedError')) : Promise.resolve());
  const nav: BadgingNavigator = {
    setAppBadge: async (n) => (calls.push(`set ${n}`), answer()),
    clearAppBadge: async () => (calls.push('clear'), answer()),
  };
  return { nav, calls };
}

describe('app badge', () => {
  it('adds up unread counts, ignoring missing and negative ones', () => {
    expect(totalUnread([{ unread: 2 }, { unread: 0 }, { unread: 5 }, {}, { unread: null }, { unread: -1 }])).toBe(7);
    expect(totalUnread([])).toBe(0);
  });

  it('sets the count, and clears the badge at zero', () => {
    const { nav, calls } = fakeNavigator();
    showAppBadge(3, nav);
    showAppBadge(0, nav);
    expect(calls).toEqual(['set 3', 'clear']);
  });

  it('swallows refusals and browsers without the API', async () => {
    const { nav, calls } = fakeNavigator({ reject: true });
    expect(() => showAppBadge(1, nav)).not.toThrow();
    expect(() => showAppBadge(1, {})).not.toThrow();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual(['set 1']);
  });
});
