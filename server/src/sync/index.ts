/**
 * Wires the sync layer into a running server: the hub over SQLite, presence, the event
 * stream, the WebSocket endpoints, and the reactions to domain events (membership
 * removed → subscription cut, session revoked → sockets closed).
 */
import type { Server } from 'node:http';
import type { AppDeps } from '../app.ts';
import { authenticate } from '../http/middleware/auth.ts';
import { SqliteDocStore } from '../storage/doc-store.ts';
import { Projection } from '../storage/projection.ts';
import { CloseCode, CloseReason } from '#shared/protocol/close-codes';
import { SyncHub } from './hub.ts';
import { sqliteAccess } from './access.ts';
import { PresenceTracker } from './presence.ts';
import { EventStream } from './event-stream.ts';
import { attachWebSockets } from './upgrade.ts';
import { prepared } from '../rooms/sql.ts';
import { listMemberIds } from '../rooms/membership.ts';
import { createAutoReplier, type AutoReplier } from '../ai/index.ts';
import type { ServerControl } from '#shared/protocol/control';
import { sqliteVisibility } from './visibility.ts';
import { ReceiptsRelay } from './receipts.ts';

export interface SyncLayer {
  hub: SyncHub;
  projection: Projection;
  presence: PresenceTracker;
  receipts: ReceiptsRelay;
  /** The AI auto-reply, fed by every commit. */
  ai: AutoReplier;
  /** Tells a room's members that messages of a sealed epoch changed (edited or deleted over REST). */
  notifyChanged(roomId: string, messageIds: string[]): void;
  attach(http: Server): void;
  close(): void;
}

export function createSync(deps: Omit<AppDeps, 'sync'>): SyncLayer {
  const { config, db, events, sessions, log } = deps;
  const projection = new Projection(db);
  const hub = new SyncHub(
    new SqliteDocStore(db),
    projection,
    sqliteAccess(db, events),
    {
      editWindowMs: config.editWindowS * 1000,
      maxTextChars: config.maxTextChars,
      maxUpdateBytes: config.maxUpdateBytes,
      messagesPerMin: config.messagesPerMin,
      docIdleUnloadMs: config.docIdleUnloadS * 1000,
      compactAfterUpdates: config.compactAfterUpdates,
      epochMaxMessages: config.epochMaxMessages,
      epochMaxBytes: config.epochMaxBytes,
    },
    log,
  );
  const sendToUser = (userId: string, msg: ServerControl) => {
    for (const c of hub.connectionsOf(userId)) c.control(msg);
  };
  const visibility = sqliteVisibility(db);
  const presence = new PresenceTracker(db, visibility, sendToUser);
  const receipts = new ReceiptsRelay(db, visibility, sendToUser, (u) => presence.isOnline(u));
  const stream = new EventStream(db);
  const ai = createAutoReplier(config, {
    db,
    projection,
    serverWrite: (doc, userId, fn) => hub.serverWrite(doc, userId, fn),
    isOnline: (u) => presence.isOnline(u),
    lastSeen: (u) => presence.lastSeen(u),
    log,
  });
  hub.onSequenced = (msgs) => {
    stream.publish(msgs);
    ai.onSequenced(msgs);
  };
  hub.onEpoch = (roomId, live) => {
    for (const u of listMemberIds(db, roomId)) sendToUser(u, { type: 'epoch', roomId, live });
  };
  hub.onReadsMoved = (userId, rooms) => receipts.readsChanged(userId, rooms);
  hub.onSubscribed = (conn, ref) => {
    if (ref.kind === 'room') conn.control(receipts.readsFor(ref.roomId, conn.userId));
  };
  hub.mayRelayAwareness = (from, to) => visibility.canSeePresence(to, from);

  // Privacy switches and blocks change what others may see: re-announce.
  events.on('settingsChanged', ({ userId }) => {
    presence.announce(userId);
    for (const c of hub.connectionsOf(userId)) for (const m of presence.snapshotFor(userId)) c.control(m);
    receipts.refreshAround(userId);
  });
  events.on('blockChanged', ({ blockerId, blockedId }) => {
    for (const [viewer, subject] of [[blockerId, blockedId], [blockedId, blockerId]] as const) {
      for (const c of hub.connectionsOf(viewer)) c.control(presence.stateFor(viewer, subject));
    }
    receipts.refreshAround(blockerId);
  });

  events.on('accountChanged', ({ userId, what }) => {
    for (const c of hub.connectionsOf(userId)) c.control({ type: 'account', what });
  });

  events.on('memberRemoved', ({ roomId, userId }) => hub.cutRoom(roomId, userId));
  events.on('roomChanged', ({ roomId, userIds }) => {
    // A new room or member can make new peers: they learn each other's presence now, not
    // at the next connect (what each may see, as in the snapshot on connect).
    const members = listMemberIds(db, roomId);
    for (const u of userIds) {
      const conns = hub.connectionsOf(u);
      if (conns.length === 0) continue;
      // A removed member is told of the change but learns nothing more of the others.
      const states = members.includes(u) ? members.filter((p) => p !== u).map((p) => presence.stateFor(u, p)) : [];
      for (const c of conns) {
        c.control({ type: 'rooms', changed: [roomId] });
        for (const s of states) c.control(s);
      }
    }
  });
  events.on('sessionRevoked', ({ sessionId, userId }) => {
    for (const c of hub.connectionsOfSession(userId, sessionId)) c.close(CloseCode.sessionRevoked, CloseReason[CloseCode.sessionRevoked]);
  });

  let sockets: { close(): void } | undefined;
  let shuttingDown = false;
  return {
    hub,
    projection,
    presence,
    ai,
    receipts,
    notifyChanged(roomId, messageIds) {
      for (const u of listMemberIds(db, roomId)) sendToUser(u, { type: 'changed', roomId, messageIds });
    },
    attach(http) {
      sockets = attachWebSockets(http, {
        authenticate: (token) => authenticate(config.jwtSecret, sessions, token),
        opened(conn) {
          hub.attach(conn);
          if (conn.kind === 'multiplexed') {
            const rows = prepared(db, 'SELECT r.id, r.live_epoch FROM rooms r JOIN members m ON m.room_id = r.id WHERE m.user_id = ?').all(
              conn.userId,
            ) as { id: string; live_epoch: number }[];
            conn.control({
              type: 'hello',
              userId: conn.userId,
              deviceId: conn.sessionId,
              serverTime: Date.now(),
              epochs: Object.fromEntries(rows.map((r) => [r.id, r.live_epoch])),
            });
            for (const p of presence.snapshotFor(conn.userId)) conn.control(p);
          }
          presence.connected(conn.userId);
        },
        closed(conn) {
          if (shuttingDown) return; // the database may be closed already
          hub.detach(conn);
          presence.disconnected(conn.userId);
        },
        receive: (conn, doc, msg) => hub.receive(conn, doc, msg),
        eventStream: (ws, auth) => stream.add(auth.userId, ws),
        authTimeoutMs: config.authTimeoutS * 1000,
        heartbeatMs: config.heartbeatS * 1000,
        maxFrameBytes: config.maxUpdateBytes,
      });
    },
    close() {
      shuttingDown = true;
      ai.close();
      sockets?.close();
      hub.close();
    },
  };
}
