/**
 * The sync connection manager (DESIGN §4, §8): one multiplexed `/sync` connection (the
 * shared SyncClient) for every room document and the private user document. Tokens come
 * fresh from the session before each connect; a fatal close signs the device out. Each
 * room's live-epoch document is loaded from IndexedDB, projected into the `messages`
 * table and kept subscribed, so catch-up of every room is one round trip.
 *
 * Simplification, on purpose for now: every room document of the user stays loaded (not
 * only those on screen); releasing background rooms after catch-up is left for later.
 */
import * as Y from 'yjs';
import { SyncClient, type ConnectionState } from '#shared/sync/client';
import type { ServerControl } from '#shared/protocol/control';
import { roomDocName, userDocName } from '#shared/room-doc/names';
import { readPositions, readsMap } from '#shared/room-doc/user-doc';
import { MetaKey, getMeta, setMeta, type ParleyDb } from '../storage/db.ts';
import { projectRoomDoc } from '../storage/projection.ts';
import { loadDoc, releaseDoc } from './docs.ts';

export interface SyncManagerOptions {
  db: ParleyDb;
  userId: string;
  getToken: () => Promise<string>;
  onState: (s: ConnectionState) => void;
  /** Membership or room data changed on the server: refetch the room list. */
  onRoomsChanged: () => void;
  onPresence: (userId: string, online: boolean) => void;
  /** The server refused the session (bad token, revoked): sign out, no retry. */
  onFatal: () => void;
}

interface LoadedRoom {
  epoch: number;
  name: string;
  doc: Promise<Y.Doc>;
  detach?: () => void;
}

export class SyncManager {
  readonly client: SyncClient;
  private readonly rooms = new Map<string, LoadedRoom>();
  private userDocP: Promise<Y.Doc> | undefined;
  private epochs: Record<string, number> = {};
  private clockOffset = 0;
  private disposed = false;
  private readonly wake = () => {
    if (typeof document === 'undefined' || document.visibilityState === 'visible') this.client.retryNow();
  };

  constructor(private readonly opts: SyncManagerOptions) {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.client = new SyncClient({
      url: `${proto}//${location.host}/sync`,
      getToken: opts.getToken,
      onState: opts.onState,
      onControl: (m) => this.onControl(m),
      onFatal: () => opts.onFatal(),
    });
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

  /** The epoch of a room's loaded document. */
  roomEpoch(roomId: string): number {
    return this.rooms.get(roomId)?.epoch ?? this.epochs[roomId] ?? 0;
  }

  dispose(): void {
    this.disposed = true;
    window.removeEventListener('online', this.wake);
    document.removeEventListener('visibilitychange', this.wake);
    this.client.disconnect();
    for (const id of [...this.rooms.keys()]) this.dropRoom(id);
    void this.userDocP?.then((d) => releaseDoc(d));
  }

  private ensureRoom(roomId: string, epoch: number): LoadedRoom {
    const current = this.rooms.get(roomId);
    if (current && current.epoch >= epoch) return current;
    if (current) this.dropRoom(roomId);
    const name = roomDocName(roomId, epoch);
    const entry: LoadedRoom = { epoch, name, doc: loadDoc(this.opts.db, name) };
    this.rooms.set(roomId, entry);
    void entry.doc.then((doc) => {
      if (this.disposed || this.rooms.get(roomId) !== entry) return;
      entry.detach = projectRoomDoc(this.opts.db, doc, roomId, epoch);
      this.client.addDoc(name, doc);
    });
    return entry;
  }

  private dropRoom(roomId: string): void {
    const entry = this.rooms.get(roomId);
    if (!entry) return;
    this.rooms.delete(roomId);
    this.client.removeDoc(entry.name);
    void entry.doc.then((doc) => {
      entry.detach?.();
      releaseDoc(doc);
    });
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
      case 'hello':
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
      case 'epoch':
        this.epochs[m.roomId] = m.live;
        if (this.rooms.has(m.roomId)) this.ensureRoom(m.roomId, m.live);
        break;
      case 'presence':
        this.opts.onPresence(m.userId, m.online);
        break;
      case 'error':
        console.warn('sync error', m.code, m.doc, m.detail);
        break;
      default:
        break;
    }
  }
}
