/**
 * Older history over REST (`GET /api/rooms/:id/messages?before=`) into the `messages`
 * table, for what the live document doesn't hold (sealed epochs). Rows the projection
 * already wrote are left alone: the document is fresher than the server's page.
 */
import type { HistoryResponse } from '#shared/api/messages';
import type { Http } from '../api/http.ts';
import { MetaKey, getMeta, setMeta, type ParleyDb } from './db.ts';
import { rowFromApi } from './rows.ts';

/** Loads the page before `beforeSeq`; returns false when the start of the room is reached. */
export async function loadOlder(db: ParleyDb, http: Http, roomId: string, beforeSeq: number): Promise<boolean> {
  if (beforeSeq <= 1 || (await getMeta<boolean>(db, MetaKey.historyDone(roomId)))) return false;
  const page = await http.get<HistoryResponse>(`/api/rooms/${encodeURIComponent(roomId)}/messages`, { before: beforeSeq, limit: 100 });
  const rows = page.messages.filter((m) => m.seq !== null).map(rowFromApi);
  const existing = await db.messages.bulkGet(rows.map((r) => r.id));
  await db.messages.bulkAdd(rows.filter((_, i) => !existing[i])).catch(() => {});
  if (page.nextBefore === null) await setMeta(db, MetaKey.historyDone(roomId), true);
  return page.nextBefore !== null;
}
