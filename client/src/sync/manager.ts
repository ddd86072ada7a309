/**
 * The sync connection manager (DESIGN §4, §8): one multiplexed `/sync` connection (the
 * shared SyncClient) for every room document and the private user document. Tokens come
 * fresh from the session before each connect; a fatal close signs the device out. Every
 * room's live-epoch document is subscribed dormant, from the snapshot stored at its last
 * release, so catch-up of every room is one round trip without loading any of them. A
 * room is loaded when something new arrives for it (its changes are projected into the
 * `messages` table, its delivered watermark written once per catch-up) and released again
 * once idle; only the rooms on screen ({@link SyncManager.acquire}) stay loaded.
 *
 * A loaded room also carries an awareness (typing); read positions go into the user
 * document, throttled.
 */
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { SyncClient, type ConnectionState, type DormantDocHost } from '#shared/sync/client';
import { SyncErrorCode, type AccountChange, type ServerControl } from '#shared/protocol/control';
import { markDelivered } from '#shared/room-doc/ops';
import { parseDocName, roomDocName, userDocName } from '#shared/room-doc/names';
import { markRead, readPositions, readsMap } from '#shared/room-doc/user-doc';
import { MetaKey, getMeta, setMeta, type ParleyDb } from '../storage/db.ts';
import { projectRoomDoc } from '../storage/projection.ts';
import { loadDoc, readDocState, releaseDoc, writeDocState } from './docs.ts';
import { needsResync, resyncRoom, retireEpoch, staleEpochs, type RecoveryHost, type RoomCopy } from './recovery.ts';
import { clearOps, noteOp, type PendingOp } from './pending-ops.ts';
import { refetchChanged } from '../storage/changed.ts';
import type { Http } from '../api/http.ts';
import { ThrottledWatermark, watchHighestSeq } from './watermarks.ts';

/** A `presence` control message: what the server lets this user see of a peer. */
export type PresenceControl = Extract<ServerControl, { type: 'presence' }>;

export interface SyncManagerOptions {
  db: ParleyDb;
  userId: string;
  getToken: () => Promise<string>;
  onState: (s: ConnectionState) => void;
  /** Membership or room data changed on the server: refetch the room list. */
  onRoomsChanged: () => void;
  /** A `presence` control: what the server lets this user see of a peer. */
  onPresence: (msg: PresenceControl) => void;
  /** A `receipts` control: the read positions of a room's members this user may see. */
  onReceipts?: (roomId: string, reads: Record<string, number>) => void;
  /** An `account` control: the user's profile or block list changed (maybe on another device). */
  onAccountChanged?: (what: AccountChange) => void;
  /** This device's id (the session id) while the server has not said it yet. */
  getDeviceId?: () => string | null;
  /** The server refused the session (bad token, revoked): sign out, no retry. */
  onFatal: () => void;
  /** For messages of sealed epochs that changed (`changed`): refetched over REST. */
  http?: Http;
}

/** One epoch's document of a room, subscribed dormant and loaded while needed. */
interface LoadedRoom {
  epoch: number;
  name: string;
  /** The document, loaded (woken) for the caller; it stays loaded a while after. */
  readonly doc: Promise<Y.Doc>;
  /** Subscribed once its stored state has been read; replaced while a resync wipes it. */
  ready: Promise<void>;
  detach?: () => void;
  /** Typing of this room (ephemeral; no local state until the user types). */
  awareness?: Awareness;
  /** Held loaded while the room is on screen. */
  unhold?: () => void;
}

export class SyncManager {
  readonly client: SyncClient;
  private readonly rooms = new Map<string, LoadedRoom>();
  /** Rooms on screen (a count per room): their documents stay loaded. */
  private readonly onScreen = new Map<string, number>();
  private userDocP: Promise<Y.Doc> | undefined;
  private epochs: Record<string, number> = {};
  private clockOffset = 0;
  private disposed = false;
  private deviceId: string | null = null;
  /** Per room: this device's read position, written at most every few seconds. */
  private readonly reads = new Map<string, ThrottledWatermark>();
  /** Sealed epochs' documents still being emptied of this device's pending entries. */
  private readonly retiring = new Set<string>();
  private readonly recovery: RecoveryHost;
  /** Documents with edits or deletes noted since their last full ack (see pending-ops.ts). */
  private readonly opsPending = new Set<string>();
  /** Documents acked since start: ops a previous run left are cleared at the first. */
  private readonly ackedOnce = new Set<string>();
  private readonly wake = () => {
    if (typeof document === 'undefined' || document.visibilityState === 'visible') this.client.retryNow();
    // A page going away may never run its timers again: write the read positions now.
    else for (const w of this.reads.values()) w.flush();
  };

  constructor(private readonly opts: SyncManagerOptions) {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.recovery = { db: opts.db, client: undefined as unknown as SyncClient, userId: opts.userId, http: opts.http, alive: () => !this.disposed };
    this.client = new SyncClient({
      url: `${proto}//${location.host}/sync`,
      getToken: opts.getToken,
      onState: opts.onState,
      onControl: (m) => this.onControl(m),
      onFatal: () => opts.onFatal(),
    });
    this.recovery.client = this.client;
    void getMeta<number>(opts.db, MetaKey.clockOffset).then((o) => {
      if (typeof o === 'number' && this.clockOffset === 0) this.clockOffset = o;
    });
    window.addEventListener('online', this.wake);
    document.addEventListener('visibilitychange', this.wake);
    this.userDocP = this.loadUserDoc();
    this.client.connect();
  }

  /** Milliseconds since the epoch in server time (the device clock, corrected). */
  now(): number {
    return Date.now() + this.clockOffset;
  }

  /** The private user document (read positions), loaded and subscribed. */
  userDoc(): Promise<Y.Doc> {
    return (this.userDocP ??= this.loadUserDoc());
  }

  /**
   * Makes sure the given rooms' live documents are loaded, projected and subscribed, and
   * drops rooms the user is no longer in. `liveEpoch` comes from the room list; the
   * server's `hello.epochs` wins when it is newer.
   */
  setRooms(rooms: { id: string; liveEpoch: number }[]): void {
    const keep = new Set<string>();
    for (const r of rooms) {
      keep.add(r.id);
      this.ensureRoom(r.id, Math.max(r.liveEpoch, this.epochs[r.id] ?? 0));
    }
    for (const id of [...this.rooms.keys()]) if (!keep.has(id)) this.dropRoom(id);
  }

  /** The live document of a room (loading it from IndexedDB when needed). */
  roomDoc(roomId: string, liveEpoch = 0): Promise<Y.Doc> {
    return this.ensureRoom(roomId, Math.max(liveEpoch, this.epochs[roomId] ?? 0)).doc;
  }

  /**
   * The room is on screen: its document stays loaded (projection, receipts, typing) until
   * the returned function is called.
   */
  acquire(roomId: string, liveEpoch = 0): () => void {
    this.onScreen.set(roomId, (this.onScreen.get(roomId) ?? 0) + 1);
    const entry = this.ensureRoom(roomId, Math.max(liveEpoch, this.epochs[roomId] ?? 0));
    this.hold(entry);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const n = (this.onScreen.get(roomId) ?? 1) - 1;
      if (n > 0) return void this.onScreen.set(roomId, n);
      this.onScreen.delete(roomId);
      const current = this.rooms.get(roomId);
      current?.unhold?.();
      if (current) current.unhold = undefined;
    };
  }

  /** Names of the room documents loaded now (tests and debugging). */
  loadedRooms(): string[] {
    return this.client.loadedDormant();
  }

  /** A room's awareness (typing), once its document is loaded. */
  awareness(roomId: string): Awareness | undefined {
    return this.rooms.get(roomId)?.awareness;
  }

  /** This device's id as the server knows it (the session id). */
  device(): string | null {
    return this.deviceId ?? this.opts.getDeviceId?.() ?? null;
  }

  /**
   * The message `seq` was visible in a focused window: moves this device's read position
   * in the user document forward (throttled; never backwards).
   */
  markSeen(roomId: string, seq: number): void {
    let w = this.reads.get(roomId);
    if (!w) {
      w = new ThrottledWatermark((s) => {
        const device = this.device();
        if (device) void this.userDoc().then((doc) => markRead(doc, roomId, device, s, this.now()));
      });
      this.reads.set(roomId, w);
    }
    w.offer(seq);
  }

  /**
   * An edit or delete was just written into the room's live document: kept until the
   * server confirms it, to be replayed over REST should the epoch be sealed first.
   */
  noteOp(roomId: string, op: PendingOp): void {
    const name = this.rooms.get(roomId)?.name;
    if (!name) return;
    this.opsPending.add(name);
    void noteOp(this.opts.db, name, op).catch((e) => console.warn('noting an edit failed', e));
  }

  /** The epoch of a room's loaded document. */
  roomEpoch(roomId: string): number {
    return this.rooms.get(roomId)?.epoch ?? this.epochs[roomId] ?? 0;
  }

  dispose(): void {
    this.disposed = true;
    window.removeEventListener('online', this.wake);
    document.removeEventListener('visibilitychange', this.wake);
    for (const w of this.reads.values()) w.flush();
    for (const id of [...this.rooms.keys()]) this.dropRoom(id);
    this.client.disconnect();
    void this.userDocP?.then((d) => releaseDoc(d));
  }

  private ensureRoom(roomId: string, epoch: number): LoadedRoom {
    const current = this.rooms.get(roomId);
    if (current && current.epoch >= epoch) return current;
    const entry = this.subscribeRoom(roomId, epoch);
    this.rooms.set(roomId, entry);
    if (this.onScreen.has(roomId)) this.hold(entry);
    // The old epoch was sealed: its pending entries move here (DESIGN §3).
    if (current) this.retire(roomId, current);
    else void staleEpochs(this.opts.db, roomId, this.opts.userId, epoch).then((es) => es.forEach((e) => this.retire(roomId, this.staleCopy(roomId, e))));
    return entry;
  }

  /** A room epoch's document, subscribed dormant once its stored state is read. */
  private subscribeRoom(roomId: string, epoch: number): LoadedRoom {
    const name = roomDocName(roomId, epoch);
    const client = this.client;
    const entry: LoadedRoom = {
      epoch,
      name,
      ready: Promise.resolve(),
      get doc() {
        return this.ready.then(() => client.wake(name));
      },
    };
    entry.ready = this.subscribeDormant(roomId, entry);
    return entry;
  }

  /** Adds the room's document to the connection, loaded only while needed. */
  private async subscribeDormant(roomId: string, entry: LoadedRoom): Promise<void> {
    const { db } = this.opts;
    const { name } = entry;
    const state = await readDocState(db, name);
    // Dropped (left the room) while the state was read: nothing to follow. A copy being
    // retired (a newer epoch came) is still subscribed: its pending entries must move.
    if (this.disposed || !this.rooms.has(roomId)) return;
    const host: DormantDocHost = {
      ...state,
      load: async () => {
        // Writes may follow: until the next release, the stored snapshot may fall behind.
        await writeDocState(db, name, { snapshot: host.snapshot, dirty: true });
        const doc = await loadDoc(db, name);
        // On screen, a full pass (rows may be missing); woken, only what changes.
        this.attach(roomId, entry, doc, this.onScreen.has(roomId));
        return { doc, awareness: entry.awareness };
      },
      release: ({ doc }, snapshot, acked) => {
        const before = Y.encodeStateVector(doc);
        this.detach(entry);
        // A watermark flushed just now is not sent: the stored copy holds more than the snapshot.
        host.dirty = !acked || !equalBytes(before, Y.encodeStateVector(doc));
        void writeDocState(db, name, { snapshot, dirty: host.dirty }).catch(() => {});
        releaseDoc(doc);
      },
    };
    this.client.addDormantDoc(name, host);
  }

  /** Keeps a room's document loaded while it is on screen. */
  private hold(entry: LoadedRoom): void {
    if (entry.unhold) return;
    let unhold: (() => void) | undefined;
    let dropped = false;
    entry.unhold = () => {
      dropped = true;
      unhold?.();
    };
    void entry.ready.then(() => {
      if (!dropped) unhold = this.client.hold(entry.name);
    });
  }

  /** Projects a room's document, tracks its receipts and typing. */
  private attach(roomId: string, entry: LoadedRoom, doc: Y.Doc, full = true): void {
    const unproject = projectRoomDoc(this.opts.db, doc, roomId, entry.epoch, { full });
    const undeliver = this.trackDelivered(doc);
    entry.detach = () => {
      unproject();
      undeliver();
    };
    entry.awareness = new Awareness(doc);
    entry.awareness.setLocalState(null);
  }

  /** Stops projecting and tracking a copy (its subscription is left to the caller). */
  private detach(entry: LoadedRoom): void {
    entry.detach?.();
    entry.detach = undefined;
    entry.awareness?.destroy();
    entry.awareness = undefined;
  }

  /** A sealed epoch's document with pending entries, loaded for the move (no dormant subscription). */
  private staleCopy(roomId: string, epoch: number): RoomCopy {
    const name = roomDocName(roomId, epoch);
    return { epoch, name, doc: loadDoc(this.opts.db, name) };
  }

  /** Hands a sealed epoch's copy to the move of its pending entries, once per document. */
  private retire(roomId: string, old: RoomCopy & Partial<LoadedRoom>): void {
    old.unhold?.();
    // Loaded for the move: projected no more (what the sealed epoch gets now comes as `changed`).
    void old.doc.then(() => old.ready && this.detach(old as LoadedRoom)).catch(() => {});
    if (this.retiring.has(old.name)) return;
    this.retiring.add(old.name);
    void retireEpoch(this.recovery, roomId, old, () => this.rooms.get(roomId))
      .catch((e) => console.warn('moving pending messages out of a sealed epoch failed', e))
      .finally(() => this.retiring.delete(old.name));
  }

  /** A refused update (DESIGN §5): drop, resync and rewrite the room's live copy. */
  private async onSyncError(m: Extract<ServerControl, { type: 'error' }>): Promise<void> {
    const ref = m.doc ? parseDocName(m.doc) : null;
    if (ref?.kind !== 'room') return;
    const entry = this.rooms.get(ref.roomId);
    if (!entry || entry.name !== m.doc) return; // a retiring copy: `sealed` is expected there
    if (m.code === SyncErrorCode.sealed) {
      // Sealed under our feet and the `epoch` news missed: learn the live epoch.
      this.opts.onRoomsChanged();
      return;
    }
    if (!(await needsResync(this.recovery, entry, m.code))) return;
    await resyncRoom(this.recovery, ref.roomId, entry, m.code, {
      detach: () => this.detach(entry),
      resubscribe: (wiped) => {
        const held = !!entry.unhold;
        entry.unhold?.();
        entry.unhold = undefined;
        entry.ready = wiped.then(() => this.subscribeDormant(ref.roomId, entry));
        if (held) this.hold(entry);
      },
      current: () => this.rooms.get(ref.roomId) === entry,
    });
  }

  private dropRoom(roomId: string): void {
    const entry = this.rooms.get(roomId);
    if (!entry) return;
    this.rooms.delete(roomId);
    entry.unhold?.();
    const doc = this.client.removeDoc(entry.name);
    if (!doc) return;
    this.detach(entry);
    // Its writes may not be acked: the next subscription answers from the loaded copy.
    void writeDocState(this.opts.db, entry.name, { snapshot: Y.snapshot(doc), dirty: true }).catch(() => {});
    releaseDoc(doc);
  }

  /**
   * Writes this device's delivered watermark into a room document whenever `seq`s arrive,
   * also for rooms not on screen (catch-up), one write per burst and at most every few
   * seconds (DESIGN §8).
   */
  private trackDelivered(doc: Y.Doc): () => void {
    const w = new ThrottledWatermark((seq) => {
      const device = this.device();
      if (device && !this.disposed) markDelivered(doc, this.opts.userId, device, seq);
    });
    const unwatch = watchHighestSeq(doc, (seq) => w.offer(seq));
    return () => {
      unwatch();
      w.flush();
      w.dispose();
    };
  }

  private async loadUserDoc(): Promise<Y.Doc> {
    const name = userDocName(this.opts.userId);
    const doc = await loadDoc(this.opts.db, name);
    const save = () => void setMeta(this.opts.db, MetaKey.reads, Object.fromEntries(readPositions(doc))).catch(() => {});
    save();
    readsMap(doc).observe(save);
    if (!this.disposed) this.client.addDoc(name, doc);
    return doc;
  }

  private onControl(m: ServerControl): void {
    switch (m.type) {
      case 'ack':
        if ((this.opsPending.has(m.doc) || !this.ackedOnce.has(m.doc)) && this.client.isAcked(m.doc)) {
          this.opsPending.delete(m.doc);
          this.ackedOnce.add(m.doc);
          void clearOps(this.opts.db, m.doc).catch(() => {});
        }
        break;
      case 'hello':
        this.deviceId = m.deviceId;
        this.clockOffset = m.serverTime - Date.now();
        void setMeta(this.opts.db, MetaKey.clockOffset, this.clockOffset).catch(() => {});
        this.epochs = m.epochs;
        for (const [roomId, epoch] of Object.entries(m.epochs)) {
          const loaded = this.rooms.get(roomId);
          if (loaded && loaded.epoch < epoch) this.ensureRoom(roomId, epoch);
        }
        // A room the list doesn't know yet (created elsewhere while offline).
        if (Object.keys(m.epochs).some((id) => !this.rooms.has(id))) this.opts.onRoomsChanged();
        break;
      case 'rooms':
        this.opts.onRoomsChanged();
        break;
      case 'account':
        this.opts.onAccountChanged?.(m.what);
        break;
      case 'epoch':
        this.epochs[m.roomId] = m.live;
        if (this.rooms.has(m.roomId)) this.ensureRoom(m.roomId, m.live);
        break;
      case 'presence':
        this.opts.onPresence(m);
        break;
      case 'receipts':
        this.opts.onReceipts?.(m.roomId, m.reads);
        break;
      case 'error':
        console.warn('sync error', m.code, m.doc, m.detail);
        void this.onSyncError(m).catch((e) => console.warn('resync after a refusal failed', e));
        break;
      case 'changed':
        if (this.opts.http) void refetchChanged(this.opts.db, this.opts.http, m.roomId, m.messageIds).catch(() => {});
        break;
      default:
        break;
    }
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
