/**
 * Who is online: the server counts each user's connected devices, keeps "last seen" in
 * SQLite, and tells the users who share a room when someone comes or goes. The "share
 * presence" switch is reciprocal: a user who hides theirs sees nobody's.
 */
import type { Db } from '../storage/db.ts';
import { nowIso } from '../storage/db.ts';
import type { UserId } from '#shared/ids';
import type { PresenceMsg } from '#shared/protocol/control';
import type { z } from 'zod';
import { roomPeers } from '../rooms/membership.ts';
import { getUserSettings } from '../accounts/users.ts';
import { prepared } from '../rooms/sql.ts';

type Presence = z.infer<typeof PresenceMsg>;

export class PresenceTracker {
  private readonly devices = new Map<string, number>();

  constructor(
    private readonly db: Db,
    /** Delivers a presence message to every connection of a user. */
    private readonly sendToUser: (userId: string, msg: Presence) => void,
  ) {}

  isOnline(userId: string): boolean {
    return (this.devices.get(userId) ?? 0) > 0;
  }

  lastSeen(userId: string): string | null {
    return (prepared(this.db, 'SELECT last_seen_at FROM users WHERE id = ?').get(userId) as { last_seen_at: string | null } | undefined)
      ?.last_seen_at ?? null;
  }

  private shares(userId: string): boolean {
    return getUserSettings(this.db, userId).sharePresence;
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
    prepared(this.db, 'UPDATE users SET last_seen_at = ? WHERE id = ?').run(nowIso(), userId);
    this.announce(userId, false);
  }

  /** The presence of everyone `userId` shares a room with, as `userId` may see it. */
  snapshotFor(userId: string): Presence[] {
    if (!this.shares(userId)) return [];
    return roomPeers(this.db, userId)
      .filter((p) => this.shares(p))
      .map((p) => ({ type: 'presence', userId: p, online: this.isOnline(p), lastSeen: this.lastSeen(p) }));
  }

  private announce(userId: string, online: boolean): void {
    if (!this.shares(userId)) return;
    const msg: Presence = { type: 'presence', userId, online, lastSeen: online ? null : this.lastSeen(userId) };
    for (const peer of roomPeers(this.db, userId)) if (this.isOnline(peer) && this.shares(peer)) this.sendToUser(peer, msg);
  }
}
