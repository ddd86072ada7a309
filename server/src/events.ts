/**
 * In-process domain events: REST routes announce changes to authorisation data, and the
 * sync hub reacts (cuts a removed member's subscription, tells devices to refetch rooms).
 * The seam where a multi-process deployment would put its bus (DESIGN §13).
 */
import { EventEmitter } from 'node:events';
import type { RoomId, SessionId, UserId } from '#shared/ids';
import type { AccountChange } from '#shared/protocol/control';

export interface DomainEvents {
  /** Membership, role, name or settings of a room changed; `userIds` are the affected members (old and new). */
  roomChanged: [{ roomId: RoomId; userIds: UserId[] }];
  /** A user left or was removed: their subscriptions to the room end now. */
  memberRemoved: [{ roomId: RoomId; userId: UserId }];
  /** A block was added or removed. */
  blockChanged: [{ blockerId: UserId; blockedId: UserId; blocked: boolean }];
  /** A session was revoked: its sockets close now. */
  sessionRevoked: [{ sessionId: SessionId; userId: UserId }];
  /** A user's settings changed (privacy switches). */
  settingsChanged: [{ userId: UserId }];
  /** A user's profile (name, settings) or block list changed: their devices refetch it. */
  accountChanged: [{ userId: UserId; what: AccountChange }];
}

export class Events extends EventEmitter<DomainEvents> {}
