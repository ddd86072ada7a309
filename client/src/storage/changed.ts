/**
 * `changed {roomId, messageIds}` (DESIGN §3): messages of a sealed epoch were edited or
 * deleted over REST. The device holds no document for that epoch, so it asks the server
 * for each message (`GET /api/rooms/:id/messages/:messageId`) and rewrites its row. Only
 * rows the device already has are rewritten: one far-back row alone would leave a gap
 * that paging older history (which starts below the oldest row) would never fill.
 */
import type { MessageResponse } from '#shared/api/messages';
import { ApiError, type Http } from '../api/http.ts';
import type { ParleyDb } from './db.ts';
import { rowFromApi } from './rows.ts';

export async function refetchChanged(db: ParleyDb, http: Http, roomId: string, messageIds: readonly string[]): Promise<void> {
  const held = await db.messages.bulkGet([...messageIds]);
  for (const row of held) {
    if (!row || row.roomId !== roomId) continue;
    try {
      const { message } = await http.get<MessageResponse>(`/api/rooms/${encodeURIComponent(roomId)}/messages/${encodeURIComponent(row.id)}`);
      await db.messages.put(rowFromApi(message));
    } catch (e) {
      // Gone for this user (left the room): the row stays as it was.
      if (!(e instanceof ApiError)) throw e;
    }
  }
}
