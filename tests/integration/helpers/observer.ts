/**
 * Sockets that watch what the server sends for one document: an `Observer` (a member's
 * multiplexed socket keeping a replica of the document and every message it got), and a
 * `SingleSocket` on the plain y-websocket endpoint `/sync/<docName>`.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { MessageType, SyncType, encodeAwarenessMessage, encodeControl, encodeSyncMessage } from '#shared/protocol/frames';
import { RawSocket, waitFor, wsUrl } from './sync.ts';

/** One y-websocket message as a test reads it. */
export type Decoded =
  | { kind: 'sync'; sub: number; payload: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array; states: { clientId: number; state: unknown }[] }
  | { kind: 'denied'; reason: string }
  | { kind: 'other'; type: number };

/** Decodes one y-websocket message (the part after the docName on `/sync`). */
export function decodeMessage(message: Uint8Array): Decoded {
  const d = decoding.createDecoder(message);
  const type = decoding.readVarUint(d);
  if (type === MessageType.sync) {
    const sub = decoding.readVarUint(d);
    return { kind: 'sync', sub, payload: decoding.readVarUint8Array(d) };
  }
  if (type === MessageType.awareness) {
    const update = decoding.readVarUint8Array(d);
    const a = decoding.createDecoder(update);
    const n = decoding.readVarUint(a);
    const states: { clientId: number; state: unknown }[] = [];
    for (let i = 0; i < n; i++) {
      const clientId = decoding.readVarUint(a);
      decoding.readVarUint(a);
      states.push({ clientId, state: JSON.parse(decoding.readVarString(a)) });
    }
    return { kind: 'awareness', update, states };
  }
  if (type === MessageType.auth) {
    decoding.readVarUint(d);
    return { kind: 'denied', reason: decoding.readVarString(d) };
  }
  return { kind: 'other', type };
}

/** Applies sync step 2 and update messages to `doc`; returns the decoded message. */
function track(doc: Y.Doc, message: Uint8Array): Decoded {
  const m = decodeMessage(message);
  if (m.kind === 'sync' && (m.sub === SyncType.step2 || m.sub === SyncType.update)) Y.applyUpdate(doc, m.payload, 'server');
  return m;
}

/** A member's multiplexed socket subscribed to one document, with a replica of it. */
export class Observer {
  readonly replica = new Y.Doc();
  /** Every message the server sent for the document, decoded, in order. */
  readonly messages: Decoded[] = [];
  private seen = 0;

  private constructor(
    readonly raw: RawSocket,
    readonly docName: string,
  ) {}

  /** Connects, subscribes, and resolves once the server's step 2 arrived. */
  static async open(httpUrl: string, token: string, docName: string): Promise<Observer> {
    const raw = await RawSocket.connect(httpUrl, token);
    const o = new Observer(raw, docName);
    raw.ws.on('message', () => {
      // RawSocket parsed the frame already; take what is new for our document.
      while (o.seen < raw.frames.length) {
        const f = raw.frames[o.seen++]!;
        if (f.docName === docName) o.messages.push(track(o.replica, f.message));
      }
    });
    raw.subscribe(docName);
    await waitFor(() => o.messages.some((m) => m.kind === 'sync' && m.sub === SyncType.step2), 5000, `step 2 of ${docName}`);
    return o;
  }

  /** Position to compare against later with {@link since}. */
  mark(): number {
    return this.messages.length;
  }
  since(mark: number): Decoded[] {
    return this.messages.slice(mark);
  }
  /** Update payloads received since `mark` (sync step 2 and update messages). */
  updatesSince(mark: number): Uint8Array[] {
    return this.since(mark).flatMap((m) => (m.kind === 'sync' && m.sub !== SyncType.step1 ? [m.payload] : []));
  }
  close(): void {
    this.raw.close();
  }
}

/** A raw socket on `/sync/<docName>?token=`: no framing, no control messages. */
export class SingleSocket {
  readonly doc = new Y.Doc();
  readonly messages: Decoded[] = [];
  closed: { code: number } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.messages.push(track(this.doc, new Uint8Array(data))));
    ws.on('close', (code) => (this.closed = { code }));
  }

  /** Opens and subscribes; resolves once the server's step 2 arrived. */
  static async open(httpUrl: string, token: string, docName: string): Promise<SingleSocket> {
    const ws = new WebSocket(wsUrl(httpUrl, `/sync/${encodeURIComponent(docName)}?token=${encodeURIComponent(token)}`));
    const s = new SingleSocket(ws);
    await new Promise((res, rej) => {
      ws.once('open', res);
      ws.once('error', rej);
    });
    ws.send(encodeSyncMessage(SyncType.step1, Y.encodeStateVector(s.doc)));
    await waitFor(() => s.messages.some((m) => m.kind === 'sync' && m.sub === SyncType.step2), 5000, `step 2 of ${docName}`);
    return s;
  }

  sendUpdate(update: Uint8Array): void {
    this.ws.send(encodeSyncMessage(SyncType.update, update));
  }
  sendAwareness(update: Uint8Array): void {
    this.ws.send(encodeAwarenessMessage(update));
  }
  denials(): string[] {
    return this.messages.flatMap((m) => (m.kind === 'denied' ? [m.reason] : []));
  }
  /** Resolves when the server answered a ping: everything it sent before is in `messages`. */
  async roundTrip(): Promise<void> {
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error('no pong')), 5000);
      this.ws.once('pong', () => {
        clearTimeout(timer);
        res();
      });
      this.ws.ping();
    });
  }
  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }
  close(): void {
    this.ws.close();
  }
}

/** Resolves after a control `ping` → `pong` round trip on a multiplexed socket. */
export async function roundTrip(raw: RawSocket): Promise<void> {
  const t = Math.random();
  raw.ws.send(encodeControl({ type: 'ping', t }));
  await waitFor(() => raw.controls.some((c) => c.type === 'pong' && c.t === t), 5000, 'pong');
}
