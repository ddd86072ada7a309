/**
 * Who may learn what about whom, for ephemeral state (DESIGN §1, §3): presence and typing
 * need both users to share presence; read positions need both to share read receipts
 * (reciprocal, as in WhatsApp); a block either way hides both. The server enforces it;
 * clients only display what they get.
 */
import type { Db } from '../storage/db.ts';
import { getUserSettings } from '../accounts/users.ts';
import { isBlockedEitherWay } from '../accounts/blocks.ts';

export interface Visibility {
  canSeePresence(viewerId: string, subjectId: string): boolean;
  canSeeReads(viewerId: string, subjectId: string): boolean;
}

export function sqliteVisibility(db: Db): Visibility {
  return {
    canSeePresence: (viewer, subject) =>
      viewer === subject ||
      (getUserSettings(db, viewer).sharePresence && getUserSettings(db, subject).sharePresence && !isBlockedEitherWay(db, viewer, subject)),
    canSeeReads: (viewer, subject) =>
      viewer === subject ||
      (getUserSettings(db, viewer).shareReadReceipts &&
        getUserSettings(db, subject).shareReadReceipts &&
        !isBlockedEitherWay(db, viewer, subject)),
  };
}
