/**
 * Sync helpers for integration tests: devices built on the project's own SyncClient, raw
 * multiplexed sockets for crafted frames, and polling.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { SyncClient, type WebSocketCtor } from '#shared/sync/client';
import type { ServerControl } from '#shared/protocol/control';
import { PROTOCOL_VERSION } from '#shared/protocol/version';
import { decodeFrame, encodeControl, encodeFrame, encodeSyncMessage, parseServerControl, SyncType } from '#shared/protocol/frames';

export const wsUrl = (httpUrl: string, path = '/sync') => httpUrl.replace(/^http/, 'ws') + path;

/** Polls `fn` until it returns truthy (or throws after `timeoutMs`). */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`waitFor ${what}: timed out${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Device {
  client: SyncClient;
  controls: ServerControl[];
  doc(name: string): Y.Doc;
  close(): void;
}

/** A device: SyncClient over `ws`, its documents created on demand. */
export function connectDevice(
  httpUrl: string,
  token: string | (() => string),
  onControl?: (m: ServerControl) => void,
): Device {
  const controls: ServerControl[] = [];
  const docs = new Map<string, Y.Doc>();
  const client = new SyncClient({
    url: wsUrl(httpUrl),
    getToken: typeof token === 'function' ? token : () => token,
    WebSocketImpl: WebSocket as unknown as WebSocketCtor,
    onControl: (m) => {
      controls.push(m);
      onControl?.(m);
    },
  });
  client.connect();
  return {
    client,
    controls,
    doc(name) {
      let d = docs.get(name);
      if (!d) {
        d = new Y.Doc();
        docs.set(name, d);
        client.addDoc(name, d);
      }
      return d;
    },
    close() {
      client.disconnect();
    },
  };
}

/** A raw multiplexed socket: authenticate, then send crafted frames and read everything back. */
export class RawSocket {
  readonly frames: { docName: string; message: Uint8Array }[] = [];
  readonly controls: ServerControl[] = [];
  closed: { code: number; reason: string } | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const f = decodeFrame(new Uint8Array(data));
      if (f.docName === '') this.controls.push(parseServerControl(f.message));
      else this.frames.push({ docName: f.docName, message: new Uint8Array(f.message) });
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static async open(httpUrl: string): Promise<RawSocket> {
    const ws = new WebSocket(wsUrl(httpUrl));
    const raw = new RawSocket(ws);
    await new Promise((res, rej) => {
      ws.once('open', res);
      ws.once('error', rej);
    });
    return raw;
  }

  /** Opens and authenticates; resolves after `hello`. */
  static async connect(httpUrl: string, token: string): Promise<RawSocket> {
    const raw = await RawSocket.open(httpUrl);
    raw.ws.send(encodeControl({ type: 'auth', token, protocolVersion: PROTOCOL_VERSION }));
    await waitFor(() => raw.controls.find((c) => c.type === 'hello'), 5000, 'hello');
    return raw;
  }

  send(docName: string, message: Uint8Array): void {
    this.ws.send(encodeFrame(docName, message));
  }
  /** Subscribes with an empty state vector. */
  subscribe(docName: string, sv = Y.encodeStateVector(new Y.Doc())): void {
    this.send(docName, encodeSyncMessage(SyncType.step1, sv));
  }
  sendUpdate(docName: string, update: Uint8Array): void {
    this.send(docName, encodeSyncMessage(SyncType.update, update));
  }
  errors() {
    return this.controls.filter((c) => c.type === 'error');
  }
  waitClosed(timeoutMs = 5000) {
    return waitFor(() => this.closed, timeoutMs, 'close');
  }
  close() {
    this.ws.close();
  }
}
