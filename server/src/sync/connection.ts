/**
 * One device's socket, as the hub sees it. The hub never imports `ws`: it gets a
 * `SocketLike` and sends documents' messages through `send(docName, message)`, which frames
 * them for a multiplexed socket or sends them bare on a single-document one.
 */
import type { SessionId, UserId } from '#shared/ids';
import type { ServerControl } from '#shared/protocol/control';
import { encodeControl, encodeFrame } from '#shared/protocol/frames';

/** The little the hub needs of a socket. */
export interface SocketLike {
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet written (back-pressure). */
  readonly bufferedAmount: number;
}

export type ConnectionKind = 'multiplexed' | 'single';

export class Connection {
  /** Documents this connection subscribed to (sent sync step 1 for). */
  readonly docs = new Set<string>();
  /** Awareness clientIDs this connection has published, per document. */
  readonly awarenessIds = new Map<string, Set<number>>();
  /** Refused frames so far; too many closes a multiplexed socket. */
  offences = 0;
  /** Update frames in the current rate window. */
  rate = { windowStart: 0, count: 0 };
  closed = false;

  constructor(
    readonly socket: SocketLike,
    readonly kind: ConnectionKind,
    readonly userId: UserId,
    readonly sessionId: SessionId,
    /** For a single-document socket: its one document. */
    readonly fixedDoc?: string,
  ) {}

  /** Sends one y-websocket message of `docName`. */
  send(docName: string, message: Uint8Array): void {
    if (this.closed) return;
    this.socket.send(this.kind === 'multiplexed' ? encodeFrame(docName, message) : message);
  }

  /** Sends a pre-framed multiplexed frame (encoded once for many receivers). */
  sendRaw(frame: Uint8Array): void {
    if (!this.closed) this.socket.send(frame);
  }

  /** Control messages exist only on the multiplexed endpoint. */
  control(msg: ServerControl): void {
    if (this.kind === 'multiplexed' && !this.closed) this.socket.send(encodeControl(msg));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }
}
