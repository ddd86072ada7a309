/**
 * WebSocket endpoints on the Node server's `upgrade` event:
 * - `/sync`: one multiplexed socket per device, first frame `auth` (DESIGN §4);
 * - `/sync/<docName>?token=`: the plain y-websocket protocol for one document;
 * - `/api/events?token=` (or `Authorization: Bearer`): JSON events for bots.
 * Tokens in query strings are never logged.
 */
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AuthContext } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { ErrorCode } from '#shared/errors';
import { PROTOCOL_VERSION } from '#shared/protocol/version';
import { CloseCode, CloseReason } from '#shared/protocol/close-codes';
import { CONTROL_DOC, decodeFrame, parseClientControl } from '#shared/protocol/frames';
import { Connection, type SocketLike } from './connection.ts';

export interface UpgradeHandlers {
  authenticate(token: string): Promise<AuthContext>;
  /** A device's socket authenticated: register it, send hello and presence. */
  opened(conn: Connection): void;
  closed(conn: Connection): void;
  receive(conn: Connection, docName: string, message: Uint8Array): void;
  /** A bot's event-stream socket authenticated. */
  eventStream(ws: WebSocket, auth: AuthContext): void;
  authTimeoutMs: number;
  heartbeatMs: number;
  maxFrameBytes: number;
}

type AliveSocket = WebSocket & { alive?: boolean };

const toBytes = (data: RawData): Uint8Array =>
  Array.isArray(data) ? new Uint8Array(Buffer.concat(data)) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;

function socketLike(ws: WebSocket): SocketLike {
  return {
    send: (data) => {
      if (ws.readyState === ws.OPEN) ws.send(data);
    },
    close: (code, reason) => ws.close(code, reason),
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

export function attachWebSockets(http: Server, h: UpgradeHandlers): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: h.maxFrameBytes + 1024, perMessageDeflate: false });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients as Set<AliveSocket>) {
      // Two intervals without a pong: the network dropped without a close.
      if (ws.alive === false) {
        ws.terminate();
        continue;
      }
      ws.alive = false;
      ws.ping();
    }
  }, h.heartbeatMs).unref();

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/sync') {
      wss.handleUpgrade(req, socket, head, (ws) => multiplexed(ws as AliveSocket));
    } else if (path.startsWith('/sync/')) {
      const docName = decodeURIComponent(path.slice('/sync/'.length));
      authFromRequest(req, url).then(
        (auth) => wss.handleUpgrade(req, socket, head, (ws) => single(ws as AliveSocket, auth, docName)),
        () => rejectUpgrade(socket, 401, 'Unauthorized'),
      );
    } else if (path === '/api/events') {
      authFromRequest(req, url).then(
        (auth) =>
          wss.handleUpgrade(req, socket, head, (ws) => {
            track(ws as AliveSocket);
            h.eventStream(ws, auth);
          }),
        () => rejectUpgrade(socket, 401, 'Unauthorized'),
      );
    } else {
      rejectUpgrade(socket, 404, 'Not Found');
    }
  });

  function authFromRequest(req: IncomingMessage, url: URL): Promise<AuthContext> {
    const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const token = bearer ?? url.searchParams.get('token');
    if (!token) return Promise.reject(new Error('no token'));
    return h.authenticate(token);
  }

  function track(ws: AliveSocket): void {
    ws.alive = true;
    ws.on('pong', () => (ws.alive = true));
    ws.on('error', () => ws.terminate());
  }

  function multiplexed(ws: AliveSocket): void {
    track(ws);
    let conn: Connection | undefined;
    let authenticating = false;
    const timer = setTimeout(() => ws.close(CloseCode.authTimeout, CloseReason[CloseCode.authTimeout]), h.authTimeoutMs);
    ws.on('message', (data, isBinary) => {
      ws.alive = true;
      if (!isBinary) return ws.close(1003, 'binary frames only');
      let frame;
      try {
        frame = decodeFrame(toBytes(data));
      } catch {
        return conn ? undefined : ws.close(CloseCode.unauthorized, CloseReason[CloseCode.unauthorized]);
      }
      if (frame.docName !== CONTROL_DOC) {
        // Nothing is accepted before `auth`.
        if (!conn) return ws.close(CloseCode.unauthorized, CloseReason[CloseCode.unauthorized]);
        return h.receive(conn, frame.docName, frame.message);
      }
      let msg;
      try {
        msg = parseClientControl(frame.message);
      } catch {
        if (!conn) return ws.close(CloseCode.unauthorized, CloseReason[CloseCode.unauthorized]);
        return conn.control({ type: 'error', code: 'malformed', detail: 'Malformed control message' });
      }
      if (msg.type === 'ping') return conn?.control({ type: 'pong', ...(msg.t !== undefined ? { t: msg.t } : {}) });
      // msg.type === 'auth'
      if (conn || authenticating) return conn?.control({ type: 'error', code: 'bad_state', detail: 'Already authenticated' });
      if (msg.protocolVersion !== PROTOCOL_VERSION) {
        clearTimeout(timer);
        return ws.close(CloseCode.protocolVersion, CloseReason[CloseCode.protocolVersion]);
      }
      authenticating = true;
      h.authenticate(msg.token).then(
        (auth) => {
          clearTimeout(timer);
          if (ws.readyState !== ws.OPEN) return;
          conn = new Connection(socketLike(ws), 'multiplexed', auth.userId, auth.sessionId);
          h.opened(conn);
        },
        (e) => {
          clearTimeout(timer);
          const revoked = e instanceof AppError && e.code === ErrorCode.sessionRevoked;
          const code = revoked ? CloseCode.sessionRevoked : CloseCode.unauthorized;
          ws.close(code, CloseReason[code]);
        },
      );
    });
    ws.on('close', () => {
      clearTimeout(timer);
      if (conn) {
        conn.closed = true;
        h.closed(conn);
      }
    });
  }

  function single(ws: AliveSocket, auth: AuthContext, docName: string): void {
    track(ws);
    const conn = new Connection(socketLike(ws), 'single', auth.userId, auth.sessionId, docName);
    h.opened(conn);
    ws.on('message', (data) => {
      ws.alive = true;
      h.receive(conn, docName, toBytes(data));
    });
    ws.on('close', () => {
      conn.closed = true;
      h.closed(conn);
    });
  }

  return {
    close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(CloseCode.serverRestart, CloseReason[CloseCode.serverRestart]);
      wss.close();
    },
  };
}
