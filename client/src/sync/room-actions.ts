/**
 * What the room screen does to messages. New messages, edits and deletes of the live
 * epoch go into the room document (stored on the device at once, sent when connected);
 * those of a sealed epoch, and an admin removing someone else's message, go over REST,
 * which needs the network (DESIGN §3).
 */
import { deleteMessage, editMessage, sendMessage } from '#shared/room-doc/ops';
import { DEFAULT_ENTRY_LIMITS } from '#shared/room-doc/schema';
import type { PublicConfig } from '#shared/api/config';
import type { Http } from '../api/http.ts';
import type { MessageRow } from '../storage/db.ts';
import type { SyncManager } from './manager.ts';

export interface RoomActionsContext {
  manager: SyncManager;
  http: Http;
  roomId: string;
  liveEpoch: number;
  userId: string;
  deviceId: string;
  config: PublicConfig | null;
}

const path = (roomId: string, id?: string) => `/api/rooms/${encodeURIComponent(roomId)}/messages${id ? `/${encodeURIComponent(id)}` : ''}`;

export function editWindowMs(config: PublicConfig | null): number {
  return (config?.limits.editWindowSeconds ?? 15 * 60) * 1000;
}

/** Whether the author may still edit `row` now (server time). */
export function canEdit(row: MessageRow, userId: string, now: number, config: PublicConfig | null): boolean {
  return row.authorId === userId && !row.deleted && row.kind === 'text' && now - row.createdAt <= editWindowMs(config);
}

export async function sendText(ctx: RoomActionsContext, text: string, replyTo?: string): Promise<void> {
  const doc = await ctx.manager.roomDoc(ctx.roomId, ctx.liveEpoch);
  sendMessage(
    doc,
    { authorId: ctx.userId, deviceId: ctx.deviceId, text, replyTo, createdAt: ctx.manager.now() },
    { maxTextChars: ctx.config?.limits.maxTextChars ?? DEFAULT_ENTRY_LIMITS.maxTextChars },
  );
}

export async function editText(ctx: RoomActionsContext, row: MessageRow, text: string): Promise<void> {
  if (row.epoch !== ctx.manager.roomEpoch(ctx.roomId)) {
    await ctx.http.patch(path(ctx.roomId, row.id), { text });
    return;
  }
  const doc = await ctx.manager.roomDoc(ctx.roomId, ctx.liveEpoch);
  editMessage(doc, row.key, text, ctx.manager.now(), { editWindowMs: editWindowMs(ctx.config), maxTextChars: ctx.config?.limits.maxTextChars });
  ctx.manager.noteOp(ctx.roomId, { messageId: row.id, op: 'edit', text });
}

export async function removeMessage(ctx: RoomActionsContext, row: MessageRow): Promise<void> {
  if (row.authorId !== ctx.userId || row.epoch !== ctx.manager.roomEpoch(ctx.roomId)) {
    await ctx.http.delete(path(ctx.roomId, row.id));
    return;
  }
  const doc = await ctx.manager.roomDoc(ctx.roomId, ctx.liveEpoch);
  deleteMessage(doc, row.key, ctx.userId);
  ctx.manager.noteOp(ctx.roomId, { messageId: row.id, op: 'delete' });
}
