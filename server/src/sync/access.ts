/**
 * The hub's `Access` policy over SQLite: membership and write permission at the time of
 * each frame. Answers are cached, because the hub asks for every frame; any change to
 * authorisation data (membership, roles, room settings, blocks) arrives as a domain event
 * and clears the cache, so a removed member is refused from the next frame on.
 */
import type { Db } from '../storage/db.ts';
import type { Events } from '../events.ts';
import type { Access } from './hub.ts';
import { getMembership } from '../rooms/membership.ts';
import { canPost } from '../rooms/permissions.ts';
import { prepared } from '../rooms/sql.ts';

export function sqliteAccess(db: Db, events: Events): Access {
  const memberCache = new Map<string, boolean>();
  const postCache = new Map<string, boolean>();
  const roomCache = new Map<string, { kind: string; live_epoch: number } | null>();
  const clear = () => {
    memberCache.clear();
    postCache.clear();
    roomCache.clear();
  };
  events.on('roomChanged', clear);
  events.on('memberRemoved', clear);
  events.on('blockChanged', clear);

  const room = (roomId: string) => {
    let r = roomCache.get(roomId);
    if (r === undefined) {
      r = (prepared(db, 'SELECT kind, live_epoch FROM rooms WHERE id = ?').get(roomId) as { kind: string; live_epoch: number } | undefined) ?? null;
      roomCache.set(roomId, r);
    }
    return r;
  };
  const cached = (cache: Map<string, boolean>, key: string, compute: () => boolean) => {
    let v = cache.get(key);
    if (v === undefined) {
      if (cache.size > 100_000) cache.clear();
      cache.set(key, (v = compute()));
    }
    return v;
  };

  return {
    isMember: (roomId, userId) => cached(memberCache, `${roomId}:${userId}`, () => getMembership(db, roomId, userId) !== undefined),
    canPost: (roomId, userId) => cached(postCache, `${roomId}:${userId}`, () => canPost(db, roomId, userId)),
    isDm: (roomId) => room(roomId)?.kind === 'dm',
    sealEpoch: (roomId, epoch) => {
      prepared(db, 'UPDATE rooms SET live_epoch = ? WHERE id = ? AND live_epoch = ?').run(epoch + 1, roomId, epoch);
      roomCache.delete(roomId);
      return room(roomId)!.live_epoch;
    },
    liveEpoch: (roomId) => room(roomId)?.live_epoch,
  };
}
