/**
 * Read receipts (DESIGN §3): read positions live in each user's private document; the
 * server projects them (max over devices) and sends every member of a room a `receipts
 * {roomId, reads}` control with the positions of the members they may see — none at all
 * to a member who doesn't share their own.
 */
import type { Db } from '../storage/db.ts';
import type { ReceiptsMsg } from '#shared/protocol/control';
import type { MessageReceiptsResponse, ReceiptTime } from '#shared/api/messages';
import type { ReceiptKind } from '../storage/projection.ts';
import type { z } from 'zod';
import { listMemberIds, roomsOfUser } from '../rooms/membership.ts';
import { prepared } from '../rooms/sql.ts';
import type { Visibility } from './visibility.ts';

type Receipts = z.infer<typeof ReceiptsMsg>;

export class ReceiptsRelay {
  constructor(
    private readonly db: Db,
    private readonly visibility: Visibility,
    /** Delivers a control message to every connection of a user. */
    private readonly sendToUser: (userId: string, msg: Receipts) => void,
    private readonly isOnline: (userId: string) => boolean,
  ) {}

  /** The read positions of a room's members that `viewerId` may see. */
  readsFor(roomId: string, viewerId: string): Receipts {
    const rows = prepared(this.db, 'SELECT user_id, seq FROM read_positions WHERE room_id = ?').all(roomId) as {
      user_id: string;
      seq: number;
    }[];
    const members = new Set<string>(listMemberIds(this.db, roomId));
    const reads: Record<string, number> = {};
    for (const r of rows) {
      if (r.user_id !== viewerId && members.has(r.user_id) && this.visibility.canSeeReads(viewerId, r.user_id)) reads[r.user_id] = r.seq;
    }
    return { type: 'receipts', roomId, reads };
  }

  /**
   * Who of the other members got message `seq` and who read it, and when, as `viewerId`
   * (its author) may see it: reads only where {@link Visibility.canSeeReads} allows, and
   * delivery times only where {@link Visibility.canSeePresence} does (they would say when
   * someone was online). A visible read also counts as delivered (the watermark may lag).
   */
  timesOf(roomId: string, messageId: string, seq: number, viewerId: string, marks: { kind: ReceiptKind; userId: string; at: string }[]): MessageReceiptsResponse {
    const members = new Set<string>(listMemberIds(this.db, roomId));
    const delivered = new Map<string, string>();
    const read = new Map<string, string>();
    for (const m of marks) {
      if (m.userId === viewerId || !members.has(m.userId)) continue;
      if (m.kind === 'read' && !this.visibility.canSeeReads(viewerId, m.userId)) continue;
      (m.kind === 'read' ? read : delivered).set(m.userId, m.at);
    }
    for (const [userId, at] of read) {
      const d = delivered.get(userId);
      if (!d || at < d) delivered.set(userId, at);
    }
    const list = (m: Map<string, string>, timed: (userId: string) => boolean): ReceiptTime[] =>
      [...m]
        .sort((a, b) => a[1].localeCompare(b[1]))
        .map(([userId, at]) => ({ userId, at: timed(userId) ? at : null }));
    return {
      messageId,
      seq,
      delivered: list(delivered, (u) => this.visibility.canSeePresence(viewerId, u)),
      read: list(read, () => true),
    };
  }

  /** Someone's read position moved in these rooms: tell the other members who may see it. */
  readsChanged(userId: string, roomIds: Iterable<string>): void {
    for (const roomId of roomIds) {
      for (const member of listMemberIds(this.db, roomId)) {
        if (member !== userId && this.isOnline(member) && this.visibility.canSeeReads(member, userId)) {
          this.sendToUser(member, this.readsFor(roomId, member));
        }
      }
    }
  }

  /** Settings or blocks of `userId` changed: everyone sharing a room with them gets fresh receipts. */
  refreshAround(userId: string): void {
    for (const roomId of roomsOfUser(this.db, userId)) {
      for (const member of listMemberIds(this.db, roomId)) if (this.isOnline(member)) this.sendToUser(member, this.readsFor(roomId, member));
    }
  }
}
