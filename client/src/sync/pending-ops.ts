/**
 * Edits and deletes of sent messages, written into a room document while the server has
 * not yet confirmed them. Should the epoch be sealed before they reach it (the server then
 * refuses every write into that document), they are replayed over REST — the way edits and
 * deletes of sealed epochs go (DESIGN §3) — instead of being lost with the old copy.
 */
import { ApiError, type Http } from '../api/http.ts';
import { MetaKey, getMeta, setMeta, type ParleyDb } from '../storage/db.ts';

export type PendingOp = { messageId: string; op: 'edit'; text: string } | { messageId: string; op: 'delete' };

/** Remembers `op` for document `name`; the latest op of a message replaces earlier ones. */
export async function noteOp(db: ParleyDb, name: string, op: PendingOp): Promise<void> {
  const key = MetaKey.pendingOps(name);
  await db.transaction('rw', db.meta, async () => {
    const ops = (await getMeta<PendingOp[]>(db, key)) ?? [];
    await setMeta(db, key, [...ops.filter((o) => o.messageId !== op.messageId), op]);
  });
}

/** The server confirmed everything this device wrote into `name`: nothing left to replay. */
export async function clearOps(db: ParleyDb, name: string): Promise<void> {
  await db.meta.delete(MetaKey.pendingOps(name));
}

/**
 * Sends the unconfirmed edits and deletes of the sealed document `name` over REST. An op
 * the server refuses for good (the edit window passed, the message is gone) is dropped; one
 * that could not reach it stays for the next try.
 */
export async function replayOps(db: ParleyDb, http: Http, roomId: string, name: string): Promise<void> {
  const key = MetaKey.pendingOps(name);
  const ops = (await getMeta<PendingOp[]>(db, key)) ?? [];
  if (ops.length === 0) return;
  const left: PendingOp[] = [];
  for (const o of ops) {
    const path = `/api/rooms/${encodeURIComponent(roomId)}/messages/${encodeURIComponent(o.messageId)}`;
    try {
      if (o.op === 'edit') await http.patch(path, { text: o.text });
      else await http.delete(path);
    } catch (e) {
      if (!(e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429)) left.push(o);
    }
  }
  if (left.length) await setMeta(db, key, left);
  else await db.meta.delete(key);
}
