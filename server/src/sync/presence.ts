/**
 * Who is online: the server counts each user's connected devices, keeps "last seen" in
 * SQLite, and tells the users who share a room when someone comes or goes — only those
 * the visibility policy allows (share-presence switch, reciprocal; blocks).
 */
import type { Db } from '../storage/db.ts';
import { nowIso } from '../storage/db.ts';
import type { UserId } from '#shared/ids';
import type { PresenceMsg } from '#shared/protocol/control';
import type { z } from 'zod';
import { roomPeers } from '../rooms/membership.ts';
import { prepared } from '../rooms/sql.ts';
import type { Visibility } from './visibility.ts';

type Presence = z.infer<typeof PresenceMsg>;

export class PresenceTracker {
  private readonly devices = new Map<string, number>();
  /** When each user's last device went away (ms), for "offline for how long". */
  private readonly offlineSince = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly visibility: Visibility,
    /** Delivers a presence message to every connection of a user. */
    private readonly sendToUser: (userId: string, msg: Presence) => void,
  ) {}

  isOnline(userId: string): boolean {
    return (this.devices.get(userId) ?? 0) > 0;
  }

  /** Milliseconds since the user's last device left; Infinity if none was seen by this process. */
  offlineForMs(userId: string): number {
    if (this.isOnline(userId)) return 0;
    const since = this.offlineSince.get(userId);
    return since === undefined ? Number.POSITIVE_INFINITY : Date.now() - since;
  }

  lastSeen(userId: string): string | null {
    return (prepared(this.db, 'SELECT last_seen_at FROM users WHERE id = ?').get(userId) as { last_seen_at: string | null } | undefined)
      ?.last_seen_at ?? null;
  }

  /** A device of `userId` connected; the first one makes the user online for their peers. */
  connected(userId: UserId): void {
    const n = (this.devices.get(userId) ?? 0) + 1;
    this.devices.set(userId, n);
    if (n === 1) this.announce(userId, true);
  }

  disconnected(userId: UserId): void {
    const n = (this.devices.get(userId) ?? 1) - 1;
    if (n > 0) return void this.devices.set(userId, n);
    this.devices.delete(userId);
    this.offlineSince.set(userId, Date.now());
    prepared(this.db, 'UPDATE users SET last_seen_at = ? WHERE id = ?').run(nowIso(), userId);
    this.announce(userId, true);
  }

  /** What `viewerId` may know of `subjectId` now. */
  stateFor(viewerId: string, subjectId: string): Presence {
    if (!this.visibility.canSeePresence(viewerId, subjectId)) return { type: 'presence', userId: subjectId, online: false, lastSeen: null };
    const online = this.isOnline(subjectId);
    return { type: 'presence', userId: subjectId, online, lastSeen: online ? null : this.lastSeen(subjectId) };
  }

  /** The presence of everyone `userId` shares a room with, as `userId` may see it. */
  snapshotFor(userId: string): Presence[] {
    return roomPeers(this.db, userId).map((p) => this.stateFor(userId, p));
  }

  /**
   * Tells every online peer what they may now see of `userId` (after a change of state,
   * settings or blocks). `visibleOnly` (a device came or went): peers who may not see
   * `userId` get nothing, since even a hidden state sent at that moment would tell when.
   */
  announce(userId: string, visibleOnly = false): void {
    for (const peer of roomPeers(this.db, userId)) {
      if (!this.isOnline(peer) || (visibleOnly && !this.visibility.canSeePresence(peer, userId))) continue;
      this.sendToUser(peer, this.stateFor(peer, userId));
    }
  }
}
