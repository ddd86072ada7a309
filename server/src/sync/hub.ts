/**
 * The sync hub: rooms' and users' Y.Docs in memory, and the path of every update through
 * them — authorise → validate → apply → group commit (log, bindings, `order`, projection
 * in one transaction) → fan out, encoded once → ack. It imports no socket library and no
 * SQL: it gets connections, a DocStore, a Projection and an Access policy.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { RoomId, UserId } from '#shared/ids';
import { parseDocName } from '#shared/room-doc/names';
import { parseReceiptKey } from '#shared/room-doc/schema';
import { validateUpdate, validateAwareness } from '#shared/room-doc/validate';
import { SyncErrorCode } from '#shared/protocol/control';
import { CloseCode, CloseReason } from '#shared/protocol/close-codes';
import {
  MessageType,
  SyncType,
  encodeAwarenessMessage,
  encodeFrame,
  encodePermissionDenied,
  encodeSyncMessage,
  toBase64,
} from '#shared/protocol/frames';
import type { Connection } from './connection.ts';
import { LoadedDoc, type DocRef } from './loaded-doc.ts';
import type { DocStore } from '../storage/doc-store.ts';
import type { Projection, EntryFields } from '../storage/projection.ts';

/** What the hub asks about authorisation data (SQLite-backed in production). */
export interface Access {
  /** May `userId` read this room (a member now)? */
  isMember(roomId: string, userId: string): boolean;
  /** May `userId` write messages into this room now (DESIGN §5 rule 5)? */
  canPost(roomId: string, userId: string): boolean;
  /** Is this room a direct message (two people)? */
  isDm(roomId: string): boolean;
  /** Seals `epoch` of a room and opens the next; returns the live epoch afterwards. */
  sealEpoch(roomId: string, epoch: number): number;
  /** The room's live epoch, or undefined if there is no such room. */
  liveEpoch(roomId: string): number | undefined;
}

export interface HubLimits {
  editWindowMs: number;
  maxTextChars: number;
  maxUpdateBytes: number;
  messagesPerMin: number;
  docIdleUnloadMs: number;
  compactAfterUpdates: number;
  /** A room's live epoch is sealed past either of these (DESIGN §3). */
  epochMaxMessages: number;
  epochMaxBytes: number;
}

/** A message that received its `seq` in a commit. */
export interface SequencedMessage {
  roomId: RoomId;
  key: string;
  seq: number;
  entry: EntryFields;
}

interface PendingWrite {
  ld: LoadedDoc;
  update: Uint8Array;
  /** The device that sent it, or null for the server's own writes. */
  conn: Connection | null;
  userId: string;
  newBindings: number[];
  /** Keys of messages inserted by this update, in (clientID, clock) order. */
  newMessages: string[];
  done?: (err?: Error) => void;
}

/** Refused frames after which a multiplexed socket is closed. */
const MAX_OFFENCES = 20;
const OFFENCES: ReadonlySet<SyncErrorCode> = new Set([SyncErrorCode.rejected, SyncErrorCode.malformed, SyncErrorCode.tooLarge]);

export class SyncHub {
  private readonly docs = new Map<string, LoadedDoc>();
  private readonly subs = new Map<string, Set<Connection>>();
  /** Open connections by user. */
  private readonly conns = new Map<string, Set<Connection>>();
  private pending: PendingWrite[] = [];
  private flushScheduled = false;
  private readonly unloadTimer: NodeJS.Timeout;
  /** Called after each commit with the messages that got their seq in it. */
  onSequenced: (msgs: SequencedMessage[]) => void = () => {};
  /** Called after each commit with the rooms whose read position a user moved. */
  onReadsMoved: (userId: string, roomIds: Set<string>) => void = () => {};
  /** Called when a room's live epoch moved on (after sealing). */
  onEpoch: (roomId: string, live: number) => void = () => {};
  /** Called when a connection subscribed to a document (and got its state). */
  onSubscribed: (conn: Connection, ref: DocRef) => void = () => {};
  /** Whether `toUserId` may see `fromUserId`'s awareness (typing); default everyone. */
  mayRelayAwareness: (fromUserId: string, toUserId: string) => boolean = () => true;

  constructor(
    private readonly store: DocStore,
    private readonly projection: Projection,
    private readonly access: Access,
    private readonly limits: HubLimits,
    private readonly log: (msg: string, extra?: Record<string, unknown>) => void = () => {},
  ) {
    this.unloadTimer = setInterval(() => this.unloadIdle(), Math.min(30_000, limits.docIdleUnloadMs)).unref();
  }

  // ── connections ──────────────────────────────────────────────────────────

  attach(conn: Connection): void {
    let set = this.conns.get(conn.userId);
    if (!set) this.conns.set(conn.userId, (set = new Set()));
    set.add(conn);
  }

  detach(conn: Connection): void {
    const set = this.conns.get(conn.userId);
    set?.delete(conn);
    if (set?.size === 0) this.conns.delete(conn.userId);
    for (const name of conn.docs) this.unsubscribe(conn, name);
  }

  connectionsOf(userId: string): Connection[] {
    const set = this.conns.get(userId);
    return set ? [...set] : [];
  }

  connectionsOfSession(userId: string, sessionId: string): Connection[] {
    return this.connectionsOf(userId).filter((c) => c.sessionId === sessionId);
  }

  /** Ends a user's subscriptions to every epoch of a room (they were removed or left). */
  cutRoom(roomId: string, userId: string): void {
    for (const conn of this.connectionsOf(userId)) {
      for (const name of [...conn.docs]) {
        const ref = parseDocName(name);
        if (ref?.kind === 'room' && ref.roomId === roomId) {
          this.unsubscribe(conn, name);
          if (conn.kind === 'single') conn.send(name, encodePermissionDenied('no longer a member'));
        }
      }
    }
  }

  private unsubscribe(conn: Connection, name: string): void {
    conn.docs.delete(name);
    this.subs.get(name)?.delete(conn);
    const ids = conn.awarenessIds.get(name);
    conn.awarenessIds.delete(name);
    const ld = this.docs.get(name);
    if (ld && ids?.size) {
      const gone = [...ids].filter((id) => ld.awareness.states.has(id));
      for (const id of ids) ld.awarenessOwners.delete(id);
      if (gone.length) {
        // Encoded after the removal, so it carries null states: receivers drop them at once.
        awarenessProtocol.removeAwarenessStates(ld.awareness, gone, conn);
        const update = awarenessProtocol.encodeAwarenessUpdate(ld.awareness, gone);
        this.broadcast(name, encodeAwarenessMessage(update), conn);
      }
    }
  }

  // ── incoming frames ──────────────────────────────────────────────────────

  /** One y-websocket message for `docName` from `conn`. Never throws. */
  receive(conn: Connection, docName: string, message: Uint8Array): void {
    if (conn.closed) return; // frames still buffered after a close change nothing
    try {
      const ref = parseDocName(docName);
      if (!ref) return this.refuse(conn, docName, SyncErrorCode.malformed, `Unknown document name "${docName.slice(0, 80)}"`);
      if (!this.canRead(conn.userId, ref)) return this.refuse(conn, docName, SyncErrorCode.forbidden, 'Not a member of this room');
      const d = decoding.createDecoder(message);
      const type = decoding.readVarUint(d);
      switch (type) {
        case MessageType.sync: {
          const sub = decoding.readVarUint(d);
          const payload = decoding.readVarUint8Array(d);
          if (sub === SyncType.step1) return this.subscribe(conn, docName, ref, payload);
          if (sub === SyncType.step2 || sub === SyncType.update) return this.write(conn, docName, ref, payload);
          return this.refuse(conn, docName, SyncErrorCode.malformed, `Unknown sync message ${sub}`);
        }
        case MessageType.awareness:
          return this.awarenessUpdate(conn, docName, decoding.readVarUint8Array(d));
        case MessageType.queryAwareness: {
          const ld = this.docs.get(docName);
          if (ld && conn.docs.has(docName)) this.sendAwarenessStates(conn, ld);
          return;
        }
        case MessageType.auth:
          return; // clients have nothing to say here
        default:
          return this.refuse(conn, docName, SyncErrorCode.malformed, `Unknown message type ${type}`);
      }
    } catch (e) {
      this.refuse(conn, docName, SyncErrorCode.malformed, 'Malformed frame');
    }
  }

  private canRead(userId: string, ref: DocRef): boolean {
    return ref.kind === 'user' ? ref.userId === userId : this.access.isMember(ref.roomId, userId);
  }

  private subscribe(conn: Connection, name: string, ref: DocRef, clientSv: Uint8Array): void {
    const ld = this.load(name, ref);
    conn.docs.add(name);
    let set = this.subs.get(name);
    if (!set) this.subs.set(name, (set = new Set()));
    set.add(conn);
    const answer = () => {
      if (conn.closed || !conn.docs.has(name)) return;
      // Step 2 (what the device lacks), then our step 1 (so it sends what we lack).
      conn.send(name, encodeSyncMessage(SyncType.step2, Y.encodeStateAsUpdate(ld.doc, clientSv)));
      conn.send(name, encodeSyncMessage(SyncType.step1, Y.encodeStateVector(ld.doc)));
      if (ld.awareness.states.size) this.sendAwarenessStates(conn, ld);
      this.onSubscribed(conn, ref);
    };
    // Never hand out state that is not durable yet: wait for the commit in flight.
    if (ld.uncommitted > 0) ld.deferred.push(answer);
    else answer();
  }

  private write(conn: Connection, name: string, ref: DocRef, update: Uint8Array): void {
    if (update.byteLength > this.limits.maxUpdateBytes) {
      return this.refuse(conn, name, SyncErrorCode.tooLarge, `Update larger than ${this.limits.maxUpdateBytes} bytes`);
    }
    if (!this.takeRate(conn)) {
      return this.refuse(conn, name, SyncErrorCode.rateLimited, 'Too many updates; slow down and resync');
    }
    if (ref.kind === 'room') {
      const live = this.access.liveEpoch(ref.roomId);
      if (live !== undefined && ref.epoch < live) return this.refuse(conn, name, SyncErrorCode.sealed, `Epoch ${ref.epoch} is sealed; live is ${live}`);
      if (!this.access.canPost(ref.roomId, conn.userId)) {
        // In a DM the refusal is neutral on purpose: a blocked writer must not learn about the block.
        if (this.access.isDm(ref.roomId)) return this.refuse(conn, name, SyncErrorCode.undeliverable, 'This message could not be delivered');
        return this.refuse(conn, name, SyncErrorCode.forbidden, 'Only admins can post in this group');
      }
    }
    const ld = this.load(name, ref);
    const verdict = validateUpdate(ld.doc, update, {
      userId: conn.userId,
      docKind: ref.kind,
      now: Date.now(),
      editWindowMs: this.limits.editWindowMs,
      maxTextChars: this.limits.maxTextChars,
      maxUpdateBytes: this.limits.maxUpdateBytes,
      bindings: ld.bindings,
    });
    if (!verdict.ok) return this.refuse(conn, name, SyncErrorCode.rejected, `rule ${verdict.rule}: ${verdict.reason}`);
    // Validate and apply with no await in between: the verdict holds for this state only.
    const changed = applyAndDetect(ld.doc, update, conn);
    for (const c of verdict.newBindings) ld.bindings.set(c, conn.userId);
    if (!changed && verdict.newBindings.length === 0) {
      // Nothing new (a resync's step 2 the server already had): just confirm.
      if (ld.uncommitted > 0) ld.deferred.push(() => this.ack(conn, ld));
      else this.ack(conn, ld);
      return;
    }
    this.enqueue({
      ld,
      update,
      conn,
      userId: conn.userId,
      newBindings: verdict.newBindings,
      newMessages: verdict.newMessages.map((m) => m.key),
    });
  }

  private awarenessUpdate(conn: Connection, name: string, update: Uint8Array): void {
    const ld = this.docs.get(name);
    if (!ld || !conn.docs.has(name)) return; // subscribe first
    const d = decoding.createDecoder(update);
    const n = decoding.readVarUint(d);
    let relay = false;
    const kept: { clientId: number; clock: number; json: string }[] = [];
    for (let i = 0; i < n; i++) {
      const clientId = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const json = decoding.readVarString(d);
      const state = JSON.parse(json) as unknown;
      const owner = ld.awarenessOwners.get(clientId);
      const problem =
        owner !== undefined && owner !== conn.userId
          ? 'Awareness clientID belongs to another user'
          : state === null
            ? undefined
            : (() => {
                const v = validateAwareness(state, conn.userId);
                if (!v.ok) return `rule 6: ${v.reason}`;
                relay ||= v.relay;
                return undefined;
              })();
      if (problem) {
        // The stock y-websocket provider echoes everyone's awareness back: on its endpoint,
        // drop foreign entries quietly (nothing of them is applied or relayed).
        if (conn.kind === 'single') continue;
        return this.refuse(conn, name, SyncErrorCode.rejected, problem);
      }
      if (state === null) relay = true;
      kept.push({ clientId, clock, json });
    }
    if (kept.length === 0) return;
    let owned = conn.awarenessIds.get(name);
    if (!owned) conn.awarenessIds.set(name, (owned = new Set()));
    for (const { clientId } of kept) {
      owned.add(clientId);
      ld.awarenessOwners.set(clientId, conn.userId);
    }
    const accepted = kept.length === n ? update : encodeAwarenessEntries(kept);
    awarenessProtocol.applyAwarenessUpdate(ld.awareness, accepted, conn);
    if (relay) this.broadcast(name, encodeAwarenessMessage(accepted), conn, (to) => this.mayRelayAwareness(conn.userId, to.userId));
  }

  private sendAwarenessStates(conn: Connection, ld: LoadedDoc): void {
    // The same rule as for live relays: a subscriber gets only the states of users whose
    // presence it may see (share-presence switches, blocks).
    const ids = [...ld.awareness.states.keys()].filter((id) => {
      const owner = ld.awarenessOwners.get(id);
      return owner !== undefined && (owner === conn.userId || this.mayRelayAwareness(owner, conn.userId));
    });
    if (ids.length) conn.send(ld.name, encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(ld.awareness, ids)));
  }

  private takeRate(conn: Connection): boolean {
    const now = Date.now();
    if (now - conn.rate.windowStart >= 60_000) conn.rate = { windowStart: now, count: 0 };
    return ++conn.rate.count <= this.limits.messagesPerMin;
  }

  /** Tells the device its frame was refused; the frame changed nothing. */
  private refuse(conn: Connection, doc: string, code: SyncErrorCode, detail: string): void {
    this.log('sync refused', { userId: conn.userId, doc, code, detail });
    if (conn.kind === 'single') {
      // The stock provider reconnects for ever on close: answer and keep the socket open.
      conn.send(doc, encodePermissionDenied(detail));
      return;
    }
    conn.control({ type: 'error', code, doc, detail });
    // Only what an honest client never sends counts; rate limits, sealed epochs, blocks and
    // lost membership can happen to anyone and must not cut a device off for good.
    if (OFFENCES.has(code) && ++conn.offences > MAX_OFFENCES) conn.close(CloseCode.tooManyErrors, CloseReason[CloseCode.tooManyErrors]);
  }

  // ── server writes (REST, admin deletes, AI replies) ─────────────────────────

  /**
   * Writes into a document as the server, on behalf of `userId`; resolves once durable.
   * `fn` returns the keys of messages it inserted (they get their seq in the same commit).
   */
  serverWrite(name: string, userId: string, fn: (doc: Y.Doc) => string[]): Promise<void> {
    const ref = parseDocName(name);
    if (!ref) return Promise.reject(new Error(`bad doc name ${name}`));
    const ld = this.load(name, ref);
    let newMessages: string[] = [];
    ld.serverTransact(() => {
      newMessages = fn(ld.doc);
    });
    const updates = ld.serverUpdates.splice(0);
    if (updates.length === 0) return Promise.resolve();
    const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
    return new Promise((resolve, reject) => {
      this.enqueue({ ld, update, conn: null, userId, newBindings: [], newMessages, done: (e) => (e ? reject(e) : resolve()) });
    });
  }

  /** The loaded document of a room's live epoch (loading it if needed), for reads by REST. */
  getDoc(name: string): Y.Doc | undefined {
    const ref = parseDocName(name);
    return ref ? this.load(name, ref).doc : undefined;
  }

  // ── group commit and fan-out ─────────────────────────────────────────────

  private enqueue(w: PendingWrite): void {
    w.ld.uncommitted++;
    w.ld.lastUsed = Date.now();
    this.pending.push(w);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Everything that arrives in this turn of the event loop shares one transaction.
      setImmediate(() => this.flush());
    }
  }

  /** Commits every pending write in one transaction, then fans out and acks. */
  flush(): void {
    this.flushScheduled = false;
    const writes = this.pending;
    this.pending = [];
    if (writes.length === 0) return;
    const byDoc = new Map<LoadedDoc, PendingWrite[]>();
    for (const w of writes) {
      const list = byDoc.get(w.ld);
      if (list) list.push(w);
      else byDoc.set(w.ld, [w]);
    }
    const now = new Date().toISOString();
    const sequenced: SequencedMessage[] = [];
    const readsMoved = new Map<string, Set<string>>();
    const orderUpdates = new Map<LoadedDoc, Uint8Array[]>();
    try {
      this.store.transaction(() => {
        for (const [ld, ws] of byDoc) {
          for (const w of ws) {
            this.store.append(ld.name, w.update);
            ld.rows++;
            ld.bytes += w.update.byteLength;
            for (const c of w.newBindings) this.store.bind(ld.name, c, w.userId);
          }
          if (ld.parsed.kind === 'room') sequenced.push(...this.sequenceAndProject(ld, ws, now, orderUpdates));
          else this.projectReads(ld, readsMoved, now);
        }
      });
    } catch (e) {
      this.log('commit failed', { err: String(e) });
      for (const [ld, ws] of byDoc) {
        // The in-memory state holds what the disk does not: drop it, reload on next use.
        this.docs.delete(ld.name);
        ld.destroy();
        for (const w of ws) {
          if (w.conn) this.refuse(w.conn, ld.name, SyncErrorCode.internal, 'The server could not store this update');
          w.done?.(e as Error);
        }
      }
      return;
    }
    for (const [ld, ws] of byDoc) {
      ld.uncommitted -= ws.length;
      this.fanOut(ld, ws, orderUpdates.get(ld) ?? []);
      for (const w of ws) w.done?.();
      if (ld.uncommitted === 0) {
        for (const f of ld.deferred.splice(0)) f();
        if (ld.rows > this.limits.compactAfterUpdates) this.compact(ld);
      }
      this.maybeSeal(ld);
    }
    if (sequenced.length) this.onSequenced(sequenced);
    for (const [userId, rooms] of readsMoved) this.onReadsMoved(userId, rooms);
  }

  /** Inside the commit: give new messages their seq (server writes `order`) and update the projection. */
  private sequenceAndProject(
    ld: LoadedDoc,
    ws: PendingWrite[],
    now: string,
    orderUpdates: Map<LoadedDoc, Uint8Array[]>,
  ): SequencedMessage[] {
    if (ld.parsed.kind !== 'room') return [];
    const { roomId, epoch } = ld.parsed;
    const messages = ld.doc.getMap<EntryFields>('messages');
    const order = ld.doc.getMap<number>('order');
    const keys: string[] = [];
    const seen = new Set<string>();
    for (const w of ws) {
      for (const k of w.newMessages) {
        if (!seen.has(k) && !order.has(k) && messages.has(k)) keys.push(k);
        seen.add(k);
      }
    }
    const out: SequencedMessage[] = [];
    if (keys.length) {
      const first = this.projection.allocateSeqs(roomId, keys.length, now);
      ld.serverTransact(() => keys.forEach((k, i) => order.set(k, first + i)));
      const updates = ld.serverUpdates.splice(0);
      for (const u of updates) {
        this.store.append(ld.name, u);
        ld.rows++;
        ld.bytes += u.byteLength;
      }
      ld.sequenced += keys.length;
      orderUpdates.set(ld, updates);
    }
    for (const key of ld.dirtyKeys) {
      const entry = messages.get(key);
      if (!entry) continue;
      this.projection.upsert(roomId, epoch, key, entry, now);
    }
    keys.forEach((key) => {
      const seq = order.get(key)!;
      this.projection.setSeq(roomId, key, seq);
      out.push({ roomId: roomId as RoomId, key, seq, entry: messages.get(key)! });
    });
    ld.dirtyKeys.clear();
    this.markDelivered(ld, roomId, now);
    return out;
  }

  /** Inside the commit: note when members' delivered watermarks moved (message info's times). */
  private markDelivered(ld: LoadedDoc, roomId: string, now: string): void {
    const receipts = ld.doc.getMap<{ delivered?: number }>('receipts');
    for (const key of ld.dirtyReceipts) {
      const k = parseReceiptKey(key);
      const v = receipts.get(key);
      if (k && typeof v?.delivered === 'number') this.projection.markReceipt(roomId, 'delivered', k.userId, v.delivered, now);
    }
    ld.dirtyReceipts.clear();
  }

  /** Inside the commit: project a user document's read positions (max over devices). */
  private projectReads(ld: LoadedDoc, moved: Map<string, Set<string>>, now: string): void {
    if (ld.parsed.kind !== 'user') return;
    const userId = ld.parsed.userId;
    const reads = ld.doc.getMap<{ read: number }>('reads');
    for (const key of ld.dirtyKeys) {
      const roomId = key.split(':')[0];
      const v = reads.get(key);
      if (!roomId || !v || typeof v.read !== 'number') continue;
      if (this.projection.setReadPosition(userId, roomId, v.read)) {
        this.projection.markReceipt(roomId, 'read', userId, v.read, now);
        let set = moved.get(userId);
        if (!set) moved.set(userId, (set = new Set()));
        set.add(roomId);
      }
    }
    ld.dirtyKeys.clear();
  }

  /** After the commit: one frame per receiver, encoded once; acks to the senders. */
  private fanOut(ld: LoadedDoc, ws: PendingWrite[], orderUpdates: Uint8Array[]): void {
    const parts = [...ws.map((w) => w.update), ...orderUpdates];
    const subs = this.subs.get(ld.name);
    if (subs?.size) {
      // One merged update, encoded once, for every subscriber — senders included: Yjs
      // ignores structs it already has, and a sender needs the `order` entries anyway.
      // (Per-sender "everything but your own" merges cost O(senders²) per flush.)
      const all = parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
      const bare = encodeSyncMessage(SyncType.update, all);
      const framed = encodeFrame(ld.name, bare);
      for (const sub of subs) {
        if (sub.kind === 'multiplexed') sub.sendRaw(framed);
        else sub.socket.send(bare);
      }
    }
    const acked = new Set<Connection>();
    for (const w of ws) if (w.conn && !acked.has(w.conn)) acked.add(w.conn);
    if (acked.size) {
      const sv = toBase64(Y.encodeStateVector(ld.doc));
      for (const c of acked) this.ack(c, ld, sv);
    }
  }

  /** Tells a device its writes to `ld` are durable; `sv` lets one flush encode it once for all senders. */
  private ack(conn: Connection, ld: LoadedDoc, sv = toBase64(Y.encodeStateVector(ld.doc))): void {
    conn.control({ type: 'ack', doc: ld.name, sv });
  }


  private broadcast(name: string, message: Uint8Array, except?: Connection, filter?: (to: Connection) => boolean): void {
    const subs = this.subs.get(name);
    if (!subs) return;
    const framed = encodeFrame(name, message);
    for (const s of subs) {
      if (s === except || (filter && !filter(s))) continue;
      if (s.kind === 'multiplexed') s.sendRaw(framed);
      else s.socket.send(message);
    }
  }

  // ── loading, compaction, unloading ───────────────────────────────────────

  private load(name: string, ref: DocRef): LoadedDoc {
    let ld = this.docs.get(name);
    if (!ld) {
      ld = new LoadedDoc(name, ref, this.store);
      this.docs.set(name, ld);
    }
    ld.lastUsed = Date.now();
    return ld;
  }

  /**
   * Seals a room's live epoch once it holds enough messages or bytes, so a live document
   * (and what a new device downloads, and what the server keeps in memory) stays small.
   * Later writes into it are refused with `sealed`; devices move their pending entries.
   */
  private maybeSeal(ld: LoadedDoc): void {
    if (ld.parsed.kind !== 'room') return;
    if (ld.sequenced < this.limits.epochMaxMessages && ld.bytes < this.limits.epochMaxBytes) return;
    const { roomId, epoch } = ld.parsed;
    if (this.access.liveEpoch(roomId) !== epoch) return;
    const live = this.access.sealEpoch(roomId, epoch);
    this.log('epoch sealed', { roomId, epoch, messages: ld.sequenced, bytes: ld.bytes });
    this.onEpoch(roomId, live);
  }

  private compact(ld: LoadedDoc): void {
    try {
      const snapshot = Y.encodeStateAsUpdate(ld.doc);
      this.store.compact(ld.name, snapshot);
      ld.rows = 1;
      ld.bytes = snapshot.byteLength;
    } catch (e) {
      this.log('compaction failed', { doc: ld.name, err: String(e) });
    }
  }

  /** Unloads documents nobody subscribes to and nobody used for `docIdleUnloadMs` (also runs on a timer). */
  unloadIdle(): void {
    const cutoff = Date.now() - this.limits.docIdleUnloadMs;
    for (const [name, ld] of this.docs) {
      if (ld.lastUsed < cutoff && ld.uncommitted === 0 && !this.subs.get(name)?.size) {
        this.docs.delete(name);
        this.subs.delete(name);
        ld.destroy();
      }
    }
  }

  isLoaded(name: string): boolean {
    return this.docs.has(name);
  }

  /** Loaded documents (for tests and memory reports). */
  get loadedCount(): number {
    return this.docs.size;
  }

  close(): void {
    clearInterval(this.unloadTimer);
    this.flush();
    for (const ld of this.docs.values()) ld.destroy();
    this.docs.clear();
  }
}

/** An awareness update holding just these entries (y-protocols encoding). */
function encodeAwarenessEntries(entries: { clientId: number; clock: number; json: string }[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(e, clientId);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, json);
  }
  return encoding.toUint8Array(e);
}

/** Applies an update and tells whether it changed anything (new structs or deletions). */
function applyAndDetect(doc: Y.Doc, update: Uint8Array, origin: unknown): boolean {
  let changed = false;
  const onTx = (tr: Y.Transaction) => {
    if (tr.deleteSet.clients.size > 0) changed = true;
    else for (const [client, clock] of tr.afterState) if ((tr.beforeState.get(client) ?? 0) !== clock) changed = true;
  };
  doc.on('afterTransaction', onTx);
  try {
    Y.applyUpdate(doc, update, origin);
  } finally {
    doc.off('afterTransaction', onTx);
  }
  return changed;
}

