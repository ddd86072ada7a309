/** The hub's `Access` policy over SQLite: membership and write permission at the time of each frame. */
import type { Db } from '../storage/db.ts';
import type { Access } from './hub.ts';
import { getMembership } from '../rooms/membership.ts';
import { canPost } from '../rooms/permissions.ts';
import { prepared } from '../rooms/sql.ts';

export function sqliteAccess(db: Db): Access {
  return {
    isMember: (roomId, userId) => getMembership(db, roomId, userId) !== undefined,
    canPost: (roomId, userId) => canPost(db, roomId, userId),
    isDm: (roomId) => (prepared(db, 'SELECT kind FROM rooms WHERE id = ?').get(roomId) as { kind: string } | undefined)?.kind === 'dm',
    sealEpoch: (roomId, epoch) => {
      prepared(db, 'UPDATE rooms SET live_epoch = ? WHERE id = ? AND live_epoch = ?').run(epoch + 1, roomId, epoch);
      return (prepared(db, 'SELECT live_epoch FROM rooms WHERE id = ?').get(roomId) as { live_epoch: number }).live_epoch;
    },
    liveEpoch: (roomId) =>
      (prepared(db, 'SELECT live_epoch FROM rooms WHERE id = ?').get(roomId) as { live_epoch: number } | undefined)?.live_epoch,
  };
}
