/**
 * Typing indicators over a room's awareness (DESIGN §3): ephemeral, never persisted. The
 * sender announces `typing: true` on keystrokes (refreshed while they go on) and removes
 * its state on send or after {@link TYPING.idleMs} without one; a receiver also drops a
 * state that was not refreshed in time, in case the removal never arrives.
 */
import type { Awareness } from 'y-protocols/awareness';
import { AwarenessStateSchema, type AwarenessState } from '#shared/room-doc/schema';

export const TYPING = {
  /** The sender stops "typing" this long after the last keystroke. */
  idleMs: 5_000,
  /** While typing goes on, the state is sent again this often. */
  refreshMs: 2_500,
  /** A receiver ignores a typing state older than this. */
  staleMs: 7_000,
} as const;

/** Who this device is, for its awareness state. */
export type TypingSelf = Omit<AwarenessState, 'typing'>;

export class TypingPublisher {
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSent = 0;

  constructor(
    private readonly awareness: Awareness,
    private readonly now: () => number = Date.now,
  ) {}

  /** A keystroke in the composer; `self` null (e.g. presence not shared) announces nothing. */
  keystroke(self: TypingSelf | null): void {
    if (!self) return this.stop();
    const t = this.now();
    if (!this.awareness.getLocalState() || t - this.lastSent >= TYPING.refreshMs) {
      this.lastSent = t;
      this.awareness.setLocalState({ ...self, typing: true } satisfies AwarenessState);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), TYPING.idleMs);
  }

  /** Sent, left the room, or idle: remove the state (peers see the removal at once). */
  stop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.lastSent = 0;
    if (this.awareness.getLocalState() !== null) this.awareness.setLocalState(null);
  }
}

/**
 * User ids of the peers typing now, in a stable order, without `me` (my other devices)
 * and without states older than {@link TYPING.staleMs}.
 */
export function typingUserIds(awareness: Awareness, me: string, now: number = Date.now()): string[] {
  const ids = new Set<string>();
  awareness.getStates().forEach((raw, clientId) => {
    if (clientId === awareness.clientID) return;
    const r = AwarenessStateSchema.safeParse(raw);
    if (!r.success || !r.data.typing || r.data.user.id === me) return;
    const updated = awareness.meta.get(clientId)?.lastUpdated ?? 0;
    if (now - updated > TYPING.staleMs) return;
    ids.add(r.data.user.id);
  });
  return [...ids].sort();
}

/** "Ann is typing…", "Ann and Ben are typing…", "Ann, Ben and 2 others are typing…"; '' for nobody. */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} others are typing…`;
}
