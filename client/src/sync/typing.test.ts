import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { newId } from '#shared/ids';
import { TYPING, TypingPublisher, typingText, typingUserIds } from './typing.ts';

/** Two awareness instances wired together, as the server relays them. */
function pair() {
  const a = new Awareness(new Y.Doc());
  const b = new Awareness(new Y.Doc());
  a.setLocalState(null);
  b.setLocalState(null);
  a.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
    if (origin === 'relay') return;
    applyAwarenessUpdate(b, encodeAwarenessUpdate(a, [...added!, ...updated!, ...removed!]), 'relay');
  });
  return { a, b };
}

describe('typing', () => {
  // Timers only: y-protocols stamps awareness states with the real clock.
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => void vi.useRealTimers());
  const ann = { user: { id: newId(), name: 'Ann' }, deviceId: 'dev-a' };

  it('appears on a keystroke and disappears after the idle time', () => {
    const { a, b } = pair();
    const pub = new TypingPublisher(a);
    pub.keystroke(ann);
    expect(typingUserIds(b, 'me')).toEqual([ann.user.id]);
    vi.advanceTimersByTime(TYPING.idleMs - 1);
    pub.keystroke(ann);
    vi.advanceTimersByTime(TYPING.idleMs - 1);
    expect(typingUserIds(b, 'me')).toEqual([ann.user.id]);
    vi.advanceTimersByTime(1);
    expect(typingUserIds(b, 'me')).toEqual([]);
    expect(a.getLocalState()).toBeNull();
  });

  it('disappears at once on stop (send), and never shows my own devices', () => {
    const { a, b } = pair();
    const pub = new TypingPublisher(a);
    pub.keystroke(ann);
    expect(typingUserIds(b, ann.user.id)).toEqual([]);
    pub.stop();
    expect(typingUserIds(b, 'me')).toEqual([]);
  });

  it('announces nothing without a self (presence not shared)', () => {
    const { a, b } = pair();
    new TypingPublisher(a).keystroke(null);
    expect(a.getLocalState()).toBeNull();
    expect(typingUserIds(b, 'me')).toEqual([]);
  });

  it('a receiver drops a state that was not refreshed in time', () => {
    const { a, b } = pair();
    a.setLocalState({ ...ann, typing: true });
    expect(typingUserIds(b, 'me', Date.now())).toEqual([ann.user.id]);
    expect(typingUserIds(b, 'me', Date.now() + TYPING.staleMs + 1)).toEqual([]);
  });

  it('names one, two, three and more', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['Ann'])).toBe('Ann is typing…');
    expect(typingText(['Ann', 'Ben'])).toBe('Ann and Ben are typing…');
    expect(typingText(['Ann', 'Ben', 'Cy'])).toBe('Ann, Ben and Cy are typing…');
    expect(typingText(['Ann', 'Ben', 'Cy', 'Di'])).toBe('Ann, Ben and 2 others are typing…');
  });
});
