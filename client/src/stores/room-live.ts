/**
 * Live state of the open room that lives in its loaded document rather than in Dexie:
 * the members' delivered watermarks (the `receipts` map) and who is typing (awareness).
 * Solid primitives over the sync manager; both follow the room as it changes.
 */
import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { deliveredWatermarks, receiptsMap } from '#shared/room-doc/ops';
import type { SyncManager } from '../sync/manager.ts';
import { TYPING, TypingPublisher, typingUserIds, type TypingSelf } from '../sync/typing.ts';
import type { Watermarks } from '../lib/receipts.ts';

interface RoomRef {
  manager: SyncManager;
  roomId: string;
  liveEpoch: number;
}

/** Runs `attach` with the room's document once loaded; its cleanup runs when the room changes. */
function withRoomDoc(source: () => RoomRef | null, attach: (ref: RoomRef, doc: Y.Doc) => (() => void) | void): void {
  createEffect(() => {
    const ref = source();
    if (!ref) return;
    let cleanup: (() => void) | void;
    let gone = false;
    void ref.manager.roomDoc(ref.roomId, ref.liveEpoch).then((doc) => {
      if (!gone) cleanup = attach(ref, doc);
    });
    onCleanup(() => {
      gone = true;
      cleanup?.();
    });
  });
}

/** Each member's delivered watermark (max over devices) in the room's live document. */
export function createDelivered(source: () => RoomRef | null): Accessor<Watermarks> {
  const [value, setValue] = createSignal<Watermarks>(new Map());
  withRoomDoc(source, (_ref, doc) => {
    const map = receiptsMap(doc);
    const read = () => setValue(deliveredWatermarks(doc));
    read();
    map.observe(read);
    return () => {
      map.unobserve(read);
      setValue(new Map());
    };
  });
  return value;
}

export interface RoomTyping {
  /** User ids of the peers typing now. */
  typing: Accessor<string[]>;
  /** A keystroke in the composer (`self` null announces nothing). */
  keystroke(self: TypingSelf | null): void;
  /** Sent or left: stop announcing at once. */
  stop(): void;
}

export function createRoomTyping(source: () => RoomRef | null, me: () => string): RoomTyping {
  const [typing, setTyping] = createSignal<string[]>([], { equals: (a, b) => a.join() === b.join() });
  let publisher: TypingPublisher | null = null;
  withRoomDoc(source, (ref) => {
    const awareness: Awareness | undefined = ref.manager.awareness(ref.roomId);
    if (!awareness) return;
    const pub = new TypingPublisher(awareness);
    publisher = pub;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = () => {
      const ids = typingUserIds(awareness, me());
      setTyping(ids);
      // A state that stops being refreshed must vanish even if no update comes.
      clearTimeout(timer);
      if (ids.length) timer = setTimeout(read, TYPING.staleMs / 2);
    };
    read();
    awareness.on('change', read);
    awareness.on('update', read);
    return () => {
      pub.stop();
      if (publisher === pub) publisher = null;
      clearTimeout(timer);
      awareness.off('change', read);
      awareness.off('update', read);
      setTyping([]);
    };
  });
  return {
    typing,
    keystroke: (self) => publisher?.keystroke(self),
    stop: () => publisher?.stop(),
  };
}
