/**
 * Messages over REST (DESIGN §7). Writes go into the room document through the hub, as the
 * authenticated user, so every connected device sees them at once; reads come from the
 * projection and never load a document.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import type { AppEnv } from '../env.ts';
import { parseJson, parseQuery } from '../validate.ts';
import { AppError, badRequest, forbidden, notFound, tooManyRequests } from '../errors.ts';
import { ErrorCode } from '#shared/errors';
import { newId } from '#shared/ids';
import { HistoryQuery, PatchMessageBody, PostMessageBody, SearchQuery } from '#shared/api/messages';
import type { HistoryResponse, MessageReceiptsResponse, MessageResponse, SearchResponse } from '#shared/api/messages';
import { roomDocName } from '#shared/room-doc/names';
import { messageKey } from '#shared/room-doc/schema';
import { deleteMessage, editMessage, sendMessage } from '#shared/room-doc/ops';
import { requireMember, canPost, isAdminRole } from '../../rooms/permissions.ts';
import { roomsOfUser } from '../../rooms/membership.ts';
import { RateLimiter } from '../../limits/rate-limiter.ts';
import { getAttachment } from '../../attachments/records.ts';
import { attachmentKind, toAttachmentRef } from '#shared/api/attachments';

export function messageRoutes({ config, db, sync }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { hub, projection } = sync;
  const perUser = new RateLimiter(config.messagesPerMin);

  const checkText = (text: string) => {
    if (text.length > config.maxTextChars) {
      throw badRequest(`Text is longer than ${config.maxTextChars} characters`, [
        { path: 'text', message: `at most ${config.maxTextChars} characters` },
      ]);
    }
  };

  app.post('/rooms/:id/messages', async (c) => {
    const { userId, sessionId } = c.get('auth');
    const { room } = requireMember(db, c.req.param('id'), userId);
    const body = await parseJson(c, PostMessageBody);
    checkText(body.text);
    if (!canPost(db, room.id, userId)) throw forbidden("You can't post in this room");
    // Only one's own uploads: the attachment's reader list follows its uploader's messages.
    const attachment = body.attachmentId ? getAttachment(db, body.attachmentId) : undefined;
    if (body.attachmentId && attachment?.uploaderId !== userId) {
      throw badRequest('No such attachment of yours', [{ path: 'attachmentId', message: 'upload it first' }]);
    }
    const id = body.id ?? newId();
    const key = messageKey(userId, id);
    const existing = projection.get(room.id, key);
    if (existing) return c.json({ message: existing } satisfies MessageResponse, 200);
    const wait = perUser.take(userId);
    if (wait) throw tooManyRequests(wait);
    const name = roomDocName(room.id, room.live_epoch);
    await hub.serverWrite(name, userId, (doc) => {
      if (doc.getMap('messages').has(key)) return []; // a retry racing the first attempt
      sendMessage(doc, {
        authorId: userId,
        deviceId: sessionId,
        id,
        text: body.text,
        ...(attachment ? { kind: attachmentKind(attachment.mime), attachment: toAttachmentRef(attachment) } : {}),
        ...(body.replyTo ? { replyTo: body.replyTo } : {}),
      });
      return [key];
    });
    const message = projection.get(room.id, key);
    if (!message) throw new AppError(500, ErrorCode.internal, 'The message was not stored');
    return c.json({ message } satisfies MessageResponse, 201);
  });

  app.get('/rooms/:id/messages', (c) => {
    const { userId } = c.get('auth');
    const { room } = requireMember(db, c.req.param('id'), userId);
    const q = parseQuery(c, HistoryQuery);
    const messages = projection.page(room.id, q.before ?? Number.MAX_SAFE_INTEGER, q.limit);
    const last = messages.at(-1);
    const nextBefore = messages.length === q.limit && last?.seq && last.seq > 1 ? last.seq : null;
    return c.json({ messages, nextBefore } satisfies HistoryResponse);
  });

  /** The stored message `:messageId` of the room, or 404. */
  const findMessage = (roomId: string, messageId: string) => {
    const m = projection.getById(roomId, messageId);
    if (!m) throw notFound('No such message');
    return m;
  };

  // One message, for devices told by `changed` that a sealed epoch's message changed.
  app.get('/rooms/:id/messages/:messageId', (c) => {
    const { userId } = c.get('auth');
    const { room } = requireMember(db, c.req.param('id'), userId);
    return c.json({ message: findMessage(room.id, c.req.param('messageId')) } satisfies MessageResponse);
  });

  // Message info: when the other members received and read one of my messages.
  app.get('/rooms/:id/messages/:messageId/receipts', (c) => {
    const { userId } = c.get('auth');
    const { room } = requireMember(db, c.req.param('id'), userId);
    const m = findMessage(room.id, c.req.param('messageId'));
    if (m.authorId !== userId) throw forbidden('Only the author sees who received and read a message');
    const marks = m.seq === null ? [] : projection.receiptTimes(room.id, m.seq);
    return c.json(sync.receipts.timesOf(room.id, m.id, m.seq ?? 0, userId, marks) satisfies MessageReceiptsResponse);
  });

  app.patch('/rooms/:id/messages/:messageId', async (c) => {
    const { userId } = c.get('auth');
    const { room } = requireMember(db, c.req.param('id'), userId);
    const body = await parseJson(c, PatchMessageBody);
    checkText(body.text);
    const m = findMessage(room.id, c.req.param('messageId'));
    if (m.authorId !== userId) throw forbidden('Only the author can edit a message');
    if (m.deleted) throw new AppError(409, ErrorCode.conflict, 'This message was deleted');
    if (Date.now() - Date.parse(m.createdAt) > config.editWindowS * 1000) {
      throw new AppError(403, ErrorCode.editWindowPassed, `Messages can be edited for ${config.editWindowS} seconds`);
    }
    if (!canPost(db, room.id, userId)) throw forbidden("You can't post in this room");
    await hub.serverWrite(roomDocName(room.id, m.epoch), userId, (doc) => {
      editMessage(doc, messageKey(m.authorId, m.id), body.text, Date.now());
      return [];
    });
    // Devices hold only the live epoch's document: tell them a sealed one changed.
    if (m.epoch < room.live_epoch) sync.notifyChanged(room.id, [m.id]);
    return c.json({ message: projection.getById(room.id, m.id)! } satisfies MessageResponse);
  });

  app.delete('/rooms/:id/messages/:messageId', async (c) => {
    const { userId } = c.get('auth');
    const { room, role } = requireMember(db, c.req.param('id'), userId);
    const m = findMessage(room.id, c.req.param('messageId'));
    const asAdmin = m.authorId !== userId;
    if (asAdmin && !(room.kind === 'group' && isAdminRole(role))) throw forbidden('Only the author or a group admin can delete a message');
    if (m.deleted) return c.body(null, 204);
    await hub.serverWrite(roomDocName(room.id, m.epoch), userId, (doc) => {
      deleteMessage(doc, messageKey(m.authorId, m.id), userId, Date.now());
      return [];
    });
    if (m.epoch < room.live_epoch) sync.notifyChanged(room.id, [m.id]);
    return c.body(null, 204);
  });

  app.get('/search', (c) => {
    const { userId } = c.get('auth');
    const q = parseQuery(c, SearchQuery);
    const rooms = q.roomId ? [requireMember(db, q.roomId, userId).room.id] : roomsOfUser(db, userId);
    return c.json({ results: projection.search(rooms, q.q, userId) } satisfies SearchResponse);
  });

  return app;
}
