/**
 * The multiplexed sync client: one WebSocket to `/sync` for every document of a device.
 * Used by the PWA, by tests, by the chaos test and the benchmarks, in the browser and in
 * Node (pass `ws` as `WebSocketImpl`). It authenticates with the first frame, subscribes
 * every document at once on (re)connect (one round trip of catch-up), answers the server's
 * step 1 from the local document, sends local updates as they happen, and reconnects with
 * exponential backoff and jitter — except after a fatal close code.
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

interface DocEntry {
  doc: Y.Doc;
  awareness?: awarenessProtocol.Awareness;
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
  unsubscribe: () => void;
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
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin !== ORIGIN && this.authed && this.docs.get(name)?.answered) this.sendDoc(name, encodeSyncMessage(SyncType.update, update));
    };
    const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === ORIGIN || !awareness || !this.authed) return;
      const changed = [...added, ...updated, ...removed].filter((id) => id === doc.clientID);
      if (changed.length) this.sendDoc(name, encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, changed)));
    };
    doc.on('update', onUpdate);
    awareness?.on('update', onAwareness);
    this.docs.set(name, {
      doc,
      awareness,
      synced: false,
      answered: false,
      ackedSv: new Map(),
      unsubscribe: () => {
        doc.off('update', onUpdate);
        awareness?.off('update', onAwareness);
      },
    });
    if (this.authed) this.subscribe(name);
    this.updateState();
  }

  removeDoc(name: string): void {
    this.docs.get(name)?.unsubscribe();
    this.docs.delete(name);
    this.updateState();
  }

  /** True when the server has durably stored everything this device wrote into `name`. */
  isAcked(name: string): boolean {
    const e = this.docs.get(name);
    if (!e) return false;
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
    for (const e of this.docs.values()) e.synced = e.answered = false;
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
    this.sendDoc(name, encodeSyncMessage(SyncType.step1, Y.encodeStateVector(e.doc)));
    if (e.awareness?.getLocalState()) {
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
        if (e) e.ackedSv = Y.decodeStateVector(fromBase64(msg.sv));
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
    const d = decoding.createDecoder(message);
    const type = decoding.readVarUint(d);
    if (type === MessageType.sync) {
      const sub = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (sub === SyncType.step1) {
        this.sendDoc(name, encodeSyncMessage(SyncType.step2, Y.encodeStateAsUpdate(e.doc, payload)));
        e.answered = true;
      } else {
        Y.applyUpdate(e.doc, payload, ORIGIN);
        if (sub === SyncType.step2 && !e.synced) {
          e.synced = true;
          this.updateState();
        }
      }
    } else if (type === MessageType.awareness && e.awareness) {
      awarenessProtocol.applyAwarenessUpdate(e.awareness, decoding.readVarUint8Array(d), ORIGIN);
    }
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
