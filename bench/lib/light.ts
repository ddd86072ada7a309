/**
 * Light devices for the generator: plain `ws` sockets that subscribe once (sync step 1 with
 * an empty state vector) and then only look for markers in the raw bytes of what arrives;
 * they never decode or apply an update. Parley devices speak the multiplexed `/sync`
 * (auth control first, frames `varString(docName)+message`); stock and relay devices open
 * one socket per room at `/<docName>` and speak bare y-websocket messages.
 */
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { TargetKind } from './proc.ts';
import { UpdateWriter, randomClientId } from './encode.ts';

const EMPTY_SV = new Uint8Array([0]);

function syncMessage(type: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

function frame(docName: string, message: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, docName);
  encoding.writeUint8Array(e, message);
  return encoding.toUint8Array(e);
}

export const controlFrame = (msg: object): Uint8Array => frame('', new TextEncoder().encode(JSON.stringify(msg)));

/** What a device hands every incoming frame to (the running step's tracker). */
export type FrameSink = (dev: LightDevice, data: Buffer, docName: string) => void;

export interface DeviceSpec {
  /** Rooms (document names) this device is in. */
  docNames: string[];
  userId: string;
  deviceId: string;
  token?: string;
}

/** One device: for Parley one socket for all its rooms, otherwise one socket per room. */
export class LightDevice {
  readonly writer = new UpdateWriter(randomClientId());
  sink: FrameSink | undefined;
  onControl: ((msg: any) => void) | undefined;
  /** Bytes received since the counter was last reset. */
  bytesIn = 0;
  /** Refusals (error controls, permission-denied messages) and closes, by reason. */
  readonly problems = new Map<string, number>();
  private readonly sockets = new Map<string, WebSocket>();
  private mux: WebSocket | undefined;

  constructor(
    readonly kind: TargetKind,
    readonly wsUrl: string,
    readonly spec: DeviceSpec,
    /** Index of the device's (first) room and its place in that room, for the trackers. */
    readonly roomIdx = 0,
    readonly slot = 0,
  ) {}

  /** Opens the socket(s) and subscribes every room; resolves when every step 2 arrived (relay: when open). */
  async connect(): Promise<void> {
    if (this.kind === 'parley') return this.connectMux();
    await Promise.all(this.spec.docNames.map((d) => this.connectSingle(d)));
  }

  private connectSingle(docName: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.wsUrl}/${docName}`, { perMessageDeflate: false });
      this.sockets.set(docName, ws);
      ws.binaryType = 'nodebuffer';
      let synced = this.kind === 'relay';
      ws.on('open', () => {
        ws.send(syncMessage(0, EMPTY_SV));
        if (synced) resolve();
      });
      ws.on('message', (data: Buffer) => {
        this.bytesIn += data.length;
        if (!synced && data[0] === 0 && data[1] === 1) {
          synced = true;
          resolve();
        }
        this.sink?.(this, data, docName);
      });
      ws.on('error', reject);
    });
  }

  private connectMux(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.wsUrl}/sync`, { perMessageDeflate: false });
      this.mux = ws;
      ws.binaryType = 'nodebuffer';
      const waiting = new Set(this.spec.docNames);
      ws.on('open', () => ws.send(controlFrame({ type: 'auth', token: this.spec.token, protocolVersion: 1 })));
      ws.on('message', (data: Buffer) => {
        this.bytesIn += data.length;
        const d = decoding.createDecoder(data);
        const docName = decoding.readVarString(d);
        if (docName === '') {
          // Control frames are small; errors are told apart without parsing the rest.
          if (data.includes('"type":"error"')) {
            const m = JSON.parse(data.toString('utf8', d.pos)) as { code: string; detail: string };
            this.note(`${m.code}: ${m.detail.slice(0, 60)}`);
          }
          if (!this.onControl && waiting.size === 0) return;
          const msg = JSON.parse(data.toString('utf8', d.pos)) as { type: string };
          if (msg.type === 'hello') for (const name of this.spec.docNames) ws.send(frame(name, syncMessage(0, EMPTY_SV)));
          if (msg.type === 'error' && waiting.size) reject(new Error(`parley: ${JSON.stringify(msg)}`));
          this.onControl?.(msg);
          return;
        }
        if (waiting.size && data[d.pos] === 0 && data[d.pos + 1] === 1 && waiting.delete(docName) && waiting.size === 0) resolve();
        this.sink?.(this, data, docName);
      });
      ws.on('close', (code, reason) => {
        this.note(`closed ${code} ${reason}`);
        if (waiting.size) reject(new Error(`closed ${code} ${reason}`));
      });
      ws.on('error', reject);
    });
  }

  note(problem: string): void {
    this.problems.set(problem, (this.problems.get(problem) ?? 0) + 1);
  }

  /** Sends one update into a room. */
  sendUpdate(docName: string, update: Uint8Array): void {
    const msg = syncMessage(2, update);
    if (this.mux) this.mux.send(frame(docName, msg));
    else this.sockets.get(docName)!.send(msg);
  }

  close(): void {
    this.mux?.terminate();
    for (const ws of this.sockets.values()) ws.terminate();
  }
}

/** Connects devices, `parallel` at a time. */
export async function connectAll(devs: LightDevice[], parallel = 50): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, devs.length) }, async () => {
      while (next < devs.length) await devs[next++]!.connect();
    }),
  );
}
