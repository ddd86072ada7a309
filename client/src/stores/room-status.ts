/**
 * createRoomStatus: what the open room shows about the other members — the tick of each
 * own message, who received and read it, who is typing, and the header line (online /
 * last seen / typing). Read positions come from the server's `receipts` controls (only
 * those this user may see), delivered watermarks from the room document, presence from
 * `presence` controls; the server enforces both privacy switches, this only displays.
 */
import { createMemo, type Accessor } from 'solid-js';
import type { Room } from '#shared/api/rooms';
import type { MessageRow } from '../storage/db.ts';
import type { SessionStore } from './session.ts';
import type { SyncStore } from './sync.ts';
import { createDelivered, createRoomTyping } from './room-live.ts';
import { receiptGroups, tickState, type ReceiptGroups, type TickState } from '../lib/receipts.ts';
import { presenceText } from '../lib/last-seen.ts';
import { typingText } from '../sync/typing.ts';
import { createNow } from '../lib/now.ts';
import { plural } from '../lib/format.ts';

export interface RoomStatus {
  stateOf(row: MessageRow): TickState;
  groupsOf(row: MessageRow): ReceiptGroups;
  /** "Ann is typing…", "online", "last seen 5 min ago", or what kind of room it is. */
  headerLine: Accessor<string>;
  /** True while someone is typing (the header line says who). */
  typing: Accessor<boolean>;
  /** This user doesn't share read receipts, so sees nobody's (reciprocal). */
  readsOff: Accessor<boolean>;
  /** A keystroke in the composer. */
  keystroke(): void;
  /** The message went out, or the room closes. */
  stopTyping(): void;
}

export function createRoomStatus(room: Accessor<Room | undefined>, session: SessionStore, sync: SyncStore): RoomStatus {
  const me = () => session.user()?.id ?? '';
  const ref = () => {
    const m = sync.manager();
    const r = room();
    return m && r ? { manager: m, roomId: r.id, liveEpoch: r.liveEpoch ?? 0 } : null;
  };
  const delivered = createDelivered(ref);
  const typingRoom = createRoomTyping(ref, me);
  const now = createNow(30_000);

  const others = createMemo(() => (room()?.members ?? []).map((m) => m.id as string).filter((id) => id !== me()));
  const reads = () => {
    const r = room();
    return r ? sync.reads(r.id) : {};
  };
  const nameOf = (id: string) => room()?.members.find((m) => m.id === id)?.displayName ?? 'Someone';

  const headerLine = createMemo(() => {
    const r = room();
    if (!r) return '';
    const typers = typingRoom.typing();
    if (typers.length) return typingText(typers.map((id) => nameOf(id).split(' ')[0]!));
    if (r.kind === 'dm') {
      const peer = others()[0];
      return (peer && presenceText(sync.presence.of(peer), now())) || 'Direct message';
    }
    return `${r.visibility === 'public' ? 'Public group' : 'Private group'} · ${plural(r.members.length, 'member')}`;
  });

  return {
    stateOf: (row) => tickState(row.seq, others(), delivered(), reads()),
    groupsOf: (row) => receiptGroups(row.seq, others(), delivered(), reads()),
    headerLine,
    typing: () => typingRoom.typing().length > 0,
    readsOff: () => session.user()?.settings.shareReadReceipts === false,
    keystroke() {
      const user = session.user();
      const device = sync.manager()?.device();
      // Not sharing presence means not sharing typing either (DESIGN §3).
      if (!user || !device || user.settings.sharePresence === false) return typingRoom.stop();
      typingRoom.keystroke({ user: { id: user.id, name: user.displayName.slice(0, 100) }, deviceId: device });
    },
    stopTyping: () => typingRoom.stop(),
  };
}
