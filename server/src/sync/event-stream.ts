/**
 * The bots' event stream: every newly sequenced message, as `chat_message` JSON, to the
 * event sockets of the room's members — and to nobody else.
 */
import type { WebSocket } from 'ws';
import type { Db } from '../storage/db.ts';
import type { ChatMessageEvent } from '#shared/api/events';
import type { SequencedMessage } from './hub.ts';
import { listMemberIds } from '../rooms/membership.ts';
import { getPublicUser } from '../accounts/users.ts';
import { hasBlocked } from '../accounts/blocks.ts';

export class EventStream {
  private readonly sockets = new Map<string, Set<WebSocket>>();

  constructor(private readonly db: Db) {}

  add(userId: string, ws: WebSocket): void {
    let set = this.sockets.get(userId);
    if (!set) this.sockets.set(userId, (set = new Set()));
    set.add(ws);
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0) this.sockets.delete(userId);
    });
    ws.on('message', () => {}); // bots have nothing to send; ignore
  }

  publish(messages: SequencedMessage[]): void {
    if (this.sockets.size === 0) return;
    for (const m of messages) {
      if (m.entry.deleted) continue;
      // A user who blocked the author never gets their messages (DM or group).
      const listeners = listMemberIds(this.db, m.roomId).filter((u) => this.sockets.has(u) && !hasBlocked(this.db, u, m.entry.authorId));
      if (listeners.length === 0) continue;
      const author = getPublicUser(this.db, m.entry.authorId);
      const event: ChatMessageEvent = {
        type: 'chat_message',
        room_id: m.roomId,
        message_id: m.entry.id,
        message: m.entry.text ?? '',
        sender_info: { id: m.entry.authorId, username: author?.username ?? '', name: author?.displayName ?? '' },
        sender_id: m.entry.authorId,
        message_type: m.entry.kind,
        file_attachment: m.entry.attachment ?? null,
        timestamp: new Date(m.entry.createdAt).toISOString(),
      };
      const json = JSON.stringify(event);
      for (const u of listeners) for (const ws of this.sockets.get(u) ?? []) if (ws.readyState === ws.OPEN) ws.send(json);
    }
  }
}
