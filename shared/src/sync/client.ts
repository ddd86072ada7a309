/**
 * The multiplexed sync client: one WebSocket to `/sync` for every document of a device.
 * Used by the PWA, by tests, by the chaos test and the benchmarks, in the browser and in
 * Node (pass `ws` as `WebSocketImpl`). It authenticates with the first frame, subscribes
 * every document at once on (re)connect (one round trip of catch-up), answers the server's
 * step 1 from the local document, sends local updates as they happen, and reconnects with
 * exponential backoff and jitter — except after a fatal close code.
 *
 * A document may also be subscribed dormant ({@link SyncClient.addDormantDoc}, DESIGN §8):
 * its step 1 comes from the stored snapshot, what the snapshot already holds is answered
 * without loading it, and anything new loads it through its owner, is applied in order,
 * and the document goes back to the owner after {@link DORMANT}`.idleMs` of quiet.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { PROTOCOL_VERSION } from '../protocol/version.ts';
import { isFatalClose } from '../protocol/close-codes.ts';
import type { ServerControl } from '../protocol/control.ts';
import {
  CONTROL_DOC,
  MessageType,
  SyncType,
  decodeFrame,
  encodeAwarenessMessage,
  encodeControl,
  encodeFrame,
  encodeSyncMessage,
  fromBase64,
  parseServerControl,
} from '../protocol/frames.ts';

/** Reconnect backoff: first delay, cap, and the random share added to each delay. */
export const BACKOFF = { initialMs: 500, maxMs: 10_000, jitter: 0.5 } as const;
/** Heartbeat: a ping every `intervalMs`; no answer within `timeoutMs` means the link is dead. */
export const HEARTBEAT = { intervalMs: 10_000, timeoutMs: 5_000 } as const;

/** A dormant document loaded to apply what arrived goes back after this long of quiet. */
export const DORMANT = { idleMs: 2_500 };

export type ConnectionState = 'offline' | 'connecting' | 'syncing' | 'up-to-date';

/** The subset of the WebSocket API used here (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  binaryType: string;
  readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: any }) => void) | null;
  onerror: ((ev: any) => void) | null;
}
export type WebSocketCtor = new (url: string) => WebSocketLike;

export interface SyncClientOptions {
  /** `ws(s)://host/sync` */
  url: string;
  /** A fresh access token for each connect. */
  getToken: () => string | Promise<string>;
  WebSocketImpl?: WebSocketCtor;
  /** Called for every control message (hello, ack, presence, rooms, receipts, error…). */
  onControl?: (msg: ServerControl) => void;
  onState?: (state: ConnectionState) => void;
  /** A fatal close (bad token, revoked session, protocol version): no retry. */
  onFatal?: (code: number, reason: string) => void;
  /** Don't reconnect by itself (tests that drive reconnects by hand). */
  manualReconnect?: boolean;
}

/** A loaded document, with its awareness when it has one. */
export interface LoadedDoc {
  doc: Y.Doc;
  awareness?: awarenessProtocol.Awareness;
}

/** The owner of a document subscribed without being loaded (DESIGN §8). */
export interface DormantDocHost {
  /** What the stored copy holds (state vector and delete set), as of its last release. */
  snapshot: Y.Snapshot;
  /**
   * The stored copy may hold writes newer than `snapshot` (it was loaded and not released
   * since): the server's step 1 is then answered from the loaded document.
   */
  dirty?: boolean;
  /** Loads the document: something arrived for it, or {@link SyncClient.wake} asked. */
  load(): Promise<LoadedDoc>;
  /**
   * The document is idle (or removed): the owner releases it. `snapshot` is what it holds
   * now and `acked` whether the server has every write made in it; store both.
   */
  release(loaded: LoadedDoc, snapshot: Y.Snapshot, acked: boolean): void;
}

interface DocEntry {
  /** Absent while a dormant document is not loaded. */
  doc?: Y.Doc;
  awareness?: awarenessProtocol.Awareness;
  /** Present for dormant-capable documents. */
  host?: DormantDocHost;
  /** While `host.load()` runs; frames that arrive meanwhile wait in `queue`. */
  loading?: Promise<Y.Doc>;
  queue: Uint8Array[];
  /** {@link SyncClient.hold} count: held documents are never released. */
  holds: number;
  idleTimer?: ReturnType<typeof setTimeout>;
  /** Got the server's step 2 since the last connect. */
  synced: boolean;
  /**
   * Answered the server's step 1 since the last connect. Until then live updates are held
   * back: an update sent before that answer may depend on one the server lost in a crash
   * (rule 7 would refuse it); the answer carries it anyway.
   */
  answered: boolean;
  /** The state vector the server acknowledged as durable (decoded). */
  ackedSv: Map<number, number>;
  unsubscribe?: () => void;
}

/** The empty update: the answer to a step 1 when the server already has everything. */
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

/** Whether the state vector `have` covers every clock in `need`. */
function covers(have: Map<number, number>, need: Map<number, number>): boolean {
  for (const [client, clock] of need) if ((have.get(client) ?? 0) < clock) return false;
  return true;
}

const ORIGIN = Symbol('sync-client');

export class SyncClient {
  state: ConnectionState = 'offline';
  private ws: WebSocketLike | undefined;
  private readonly docs = new Map<string, DocEntry>();
  private authed = false;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly opts: SyncClientOptions) {}

  // ── documents ──────────────────────────────────────────────────────────

  /** Adds a document to the connection; it is subscribed now or on the next connect. */
  addDoc(name: string, doc: Y.Doc, awareness?: awarenessProtocol.Awareness): void {
    if (this.docs.has(name)) return;
    const e = this.newEntry();
    this.docs.set(name, e);
    this.attachLoaded(name, e, { doc, awareness });
    if (this.authed) this.subscribe(name);
    this.updateState();
  }

  /**
   * Subscribes a document without loading it: step 1 is sent from `host.snapshot`; the
   * document is loaded through `host` only when something arrives that the snapshot
   * lacks, and handed back once idle.
   */
  addDormantDoc(name: string, host: DormantDocHost): void {
    if (this.docs.has(name)) return;
    const e = this.newEntry();
    e.host = host;
    this.docs.set(name, e);
    if (this.authed) this.subscribe(name);
    this.updateState();
  }

  /**
   * Removes a document from the connection. A dormant document that is loaded is not
   * handed back: it is returned for the caller to release.
   */
  removeDoc(name: string): Y.Doc | undefined {
    const e = this.docs.get(name);
    this.docs.delete(name);
    if (e) {
      e.unsubscribe?.();
      clearTimeout(e.idleTimer);
    }
    this.updateState();
    return e?.host ? e.doc : undefined;
  }

  /** Loads a dormant document now (to write into it); it goes back once idle again. */
  wake(name: string): Promise<Y.Doc> {
    const e = this.docs.get(name);
    if (!e) return Promise.reject(new Error(`SyncClient.wake: ${name} is not subscribed`));
    if (e.doc) {
      this.touch(e, name);
      return Promise.resolve(e.doc);
    }
    return this.load(name, e);
  }

  /** Keeps a dormant document loaded (on screen) until the returned function is called. */
  hold(name: string): () => void {
    const e = this.docs.get(name);
    if (!e) return () => {};
    e.holds++;
    clearTimeout(e.idleTimer);
    void this.wake(name).catch(() => {});
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      e.holds--;
      this.touch(e, name);
    };
  }

  /** The loaded document of `name`, if it is loaded. */
  loaded(name: string): LoadedDoc | undefined {
    const e = this.docs.get(name);
    return e?.doc ? { doc: e.doc, awareness: e.awareness } : undefined;
  }

  /** Names of the dormant-capable documents loaded now (for tests and debugging). */
  loadedDormant(): string[] {
    return [...this.docs].filter(([, e]) => e.host && (e.doc || e.loading)).map(([n]) => n);
  }

  /** True when the server has durably stored everything this device wrote into `name`. */
  isAcked(name: string): boolean {
    const e = this.docs.get(name);
    if (!e) return false;
    // Released only once acked; a stored copy written since (a crash) is `dirty`.
    if (!e.doc) return !e.host?.dirty;
    const own = Y.decodeStateVector(Y.encodeStateVector(e.doc)).get(e.doc.clientID) ?? 0;
    return (e.ackedSv.get(e.doc.clientID) ?? 0) >= own;
  }

  isSynced(name: string): boolean {
    return this.docs.get(name)?.synced ?? false;
  }

  /** Resolves when `predicate` holds (checked after every incoming frame and state change). */
  until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error('SyncClient.until: timed out'));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  // ── connection ─────────────────────────────────────────────────────────

  connect(): void {
    this.stopped = false;
    if (this.ws) return;
    clearTimeout(this.retryTimer);
    this.setState('connecting');
    const Impl = this.opts.WebSocketImpl ?? (globalThis.WebSocket as unknown as WebSocketCtor);
    const ws = new Impl(this.opts.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = async () => {
      try {
        const token = await this.opts.getToken();
        if (this.ws !== ws) return;
        ws.send(encodeControl({ type: 'auth', token, protocolVersion: PROTOCOL_VERSION }));
      } catch {
        ws.close();
      }
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.onFrame(new Uint8Array(ev.data as ArrayBuffer));
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.dropSocket();
      if (isFatalClose(ev.code)) {
        this.stopped = true;
        this.opts.onFatal?.(ev.code, ev.reason);
      } else if (!this.stopped && !this.opts.manualReconnect) {
        this.scheduleReconnect();
      }
    };
    ws.onerror = () => {};
  }

  /** Closes the socket and stops reconnecting. */
  disconnect(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.dropSocket();
    ws?.close(1000, 'bye');
  }

  /** Reconnect now (the browser came back online or the page became visible). */
  retryNow(): void {
    if (this.stopped || this.ws) return;
    this.attempts = 0;
    this.connect();
  }

  /** Drops the socket as when the network dies (heartbeat timeout; tests use it too). */
  dropConnection(): void {
    const ws = this.ws;
    this.dropSocket();
    ws?.close(4999 as number, 'test');
    if (!this.stopped && !this.opts.manualReconnect) this.scheduleReconnect();
  }

  private dropSocket(): void {
    this.ws = undefined;
    this.authed = false;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.pongTimer);
    for (const e of this.docs.values()) {
      e.synced = e.answered = false;
      // What the old connection sent comes again in the next catch-up.
      e.queue = [];
    }
    this.setState('offline');
  }

  private scheduleReconnect(): void {
    const base = Math.min(BACKOFF.maxMs, BACKOFF.initialMs * 2 ** this.attempts++);
    const delay = base * (1 + BACKOFF.jitter * Math.random());
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private startHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      if (!this.ws) return;
      this.ws.send(encodeControl({ type: 'ping', t: Date.now() }));
      clearTimeout(this.pongTimer);
      // A stalled network (no close event) shows up only here.
      this.pongTimer = setTimeout(() => this.dropConnection(), HEARTBEAT.timeoutMs);
    }, HEARTBEAT.intervalMs);
  }

  private subscribe(name: string): void {
    const e = this.docs.get(name)!;
    this.sendDoc(name, encodeSyncMessage(SyncType.step1, Y.encodeStateVector(e.doc ?? e.host!.snapshot.sv)));
    if (e.doc && e.awareness?.getLocalState()) {
      this.sendDoc(name, encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(e.awareness, [e.doc.clientID])));
    }
  }

  private sendDoc(name: string, message: Uint8Array): void {
    if (this.ws && this.ws.readyState === 1) this.ws.send(encodeFrame(name, message));
  }

  // ── incoming ───────────────────────────────────────────────────────────

  private onFrame(frame: Uint8Array): void {
    const { docName, message } = decodeFrame(frame);
    if (docName === CONTROL_DOC) this.onControl(parseServerControl(message));
    else this.onDocMessage(docName, message);
    for (const w of [...this.waiters]) w();
  }

  private onControl(msg: ServerControl): void {
    switch (msg.type) {
      case 'hello':
        this.authed = true;
        this.attempts = 0;
        this.startHeartbeat();
        // Catch-up of every document in one round trip.
        for (const name of this.docs.keys()) this.subscribe(name);
        this.updateState();
        break;
      case 'pong':
        clearTimeout(this.pongTimer);
        break;
      case 'ack': {
        const e = this.docs.get(msg.doc);
        if (e) {
          e.ackedSv = Y.decodeStateVector(fromBase64(msg.sv));
          if (e.doc) this.touch(e, msg.doc);
        }
        break;
      }
      default:
        break;
    }
    this.opts.onControl?.(msg);
  }

  private onDocMessage(name: string, message: Uint8Array): void {
    const e = this.docs.get(name);
    if (!e) return;
    if (e.loading) e.queue.push(message);
    else if (e.doc) {
      this.apply(name, e, message);
      this.touch(e, name);
    } else if (!this.answerDormant(name, e, message)) {
      e.queue.push(message);
      void this.load(name, e).catch(() => {});
    }
  }

  /** Applies one message to a loaded document. */
  private apply(name: string, e: DocEntry, message: Uint8Array): void {
    const doc = e.doc!;
    const d = decoding.createDecoder(message);
    const type = decoding.readVarUint(d);
    if (type === MessageType.sync) {
      const sub = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (sub === SyncType.step1) {
        this.sendDoc(name, encodeSyncMessage(SyncType.step2, Y.encodeStateAsUpdate(doc, payload)));
        e.answered = true;
      } else {
        Y.applyUpdate(doc, payload, ORIGIN);
        if (sub === SyncType.step2) this.markSynced(e);
      }
    } else if (type === MessageType.awareness && e.awareness) {
      awarenessProtocol.applyAwarenessUpdate(e.awareness, decoding.readVarUint8Array(d), ORIGIN);
    }
  }

  /**
   * Deals with a message for a document that is not loaded, from its stored snapshot, when
   * that is enough; false when the document must be loaded for it.
   */
  private answerDormant(name: string, e: DocEntry, message: Uint8Array): boolean {
    const host = e.host!;
    const d = decoding.createDecoder(message);
    // Typing in a room not on screen is nobody's business here.
    if (decoding.readVarUint(d) !== MessageType.sync) return true;
    const sub = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (sub === SyncType.step1) {
      if (host.dirty || !covers(Y.decodeStateVector(payload), host.snapshot.sv)) return false;
      // The server has all the stored copy holds.
      this.sendDoc(name, encodeSyncMessage(SyncType.step2, EMPTY_UPDATE));
      e.answered = true;
      return true;
    }
    if (!Y.snapshotContainsUpdate(host.snapshot, payload)) return false;
    if (sub === SyncType.step2) this.markSynced(e);
    return true;
  }

  private markSynced(e: DocEntry): void {
    if (e.synced) return;
    e.synced = true;
    this.updateState();
  }

  private newEntry(): DocEntry {
    return { queue: [], holds: 0, synced: false, answered: false, ackedSv: new Map() };
  }

  /** Loads a dormant document through its owner, then applies what waited meanwhile. */
  private load(name: string, e: DocEntry): Promise<Y.Doc> {
    if (e.loading) return e.loading;
    if (e.doc) return Promise.resolve(e.doc);
    const loading = e.host!.load().then((loaded) => {
      e.loading = undefined;
      if (this.docs.get(name) !== e) {
        // Removed while loading: straight back to the owner.
        e.host!.release(loaded, Y.snapshot(loaded.doc), true);
        throw new Error(`SyncClient: ${name} was removed while loading`);
      }
      this.attachLoaded(name, e, loaded);
      const queued = e.queue;
      e.queue = [];
      for (const m of queued) this.apply(name, e, m);
      this.touch(e, name);
      for (const w of [...this.waiters]) w();
      return loaded.doc;
    });
    loading.catch(() => {
      if (e.loading === loading) e.loading = undefined;
    });
    e.loading = loading;
    return loading;
  }

  /** Listens to a loaded document: local updates and awareness go out. */
  private attachLoaded(name: string, e: DocEntry, { doc, awareness }: LoadedDoc): void {
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === ORIGIN) return;
      if (this.authed && e.answered) this.sendDoc(name, encodeSyncMessage(SyncType.update, update));
      this.touch(e, name);
    };
    const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === ORIGIN || !awareness || !this.authed) return;
      const changed = [...added, ...updated, ...removed].filter((id) => id === doc.clientID);
      if (changed.length) this.sendDoc(name, encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, changed)));
    };
    doc.on('update', onUpdate);
    awareness?.on('update', onAwareness);
    e.doc = doc;
    e.awareness = awareness;
    e.unsubscribe = () => {
      doc.off('update', onUpdate);
      awareness?.off('update', onAwareness);
    };
    if (e.host && this.authed && awareness?.getLocalState()) {
      this.sendDoc(name, encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])));
    }
  }

  /** Something happened to a loaded dormant document: (re)start its idle countdown. */
  private touch(e: DocEntry, name: string): void {
    if (!e.host) return;
    clearTimeout(e.idleTimer);
    e.idleTimer = undefined;
    if (e.holds > 0 || !e.doc) return;
    e.idleTimer = setTimeout(() => this.releaseIdle(name, e), DORMANT.idleMs);
  }

  /** Hands an idle document back, unless held, still busy, or with writes not acked (an ack touches it again). */
  private releaseIdle(name: string, e: DocEntry): void {
    e.idleTimer = undefined;
    if (this.docs.get(name) !== e || !e.doc || e.holds > 0 || e.loading || e.queue.length || !this.isAcked(name)) return;
    const loaded = { doc: e.doc, awareness: e.awareness };
    e.unsubscribe?.();
    e.unsubscribe = e.doc = e.awareness = undefined;
    const snapshot = Y.snapshot(loaded.doc);
    e.host!.snapshot = snapshot;
    e.host!.dirty = false;
    e.host!.release(loaded, snapshot, true);
  }

  private updateState(): void {
    if (!this.ws) return this.setState('offline');
    if (!this.authed) return this.setState('connecting');
    const all = [...this.docs.values()].every((e) => e.synced);
    this.setState(all ? 'up-to-date' : 'syncing');
  }

  private setState(s: ConnectionState): void {
    if (s === this.state) return;
    this.state = s;
    this.opts.onState?.(s);
    for (const w of [...this.waiters]) w();
  }
}
