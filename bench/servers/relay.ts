/**
 * The raw relay of DESIGN §12: every frame a socket sends is forwarded verbatim to the other
 * sockets of its room (the URL path). No Yjs, no storage: the box's ceiling for one frame
 * per delivery.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveRpc } from './rpc.ts';

const rooms = new Map<string, Set<WebSocket>>();
const server = http.createServer((_req, res) => res.end('relay'));
const wss = new WebSocketServer({ server });
wss.on('connection', (ws, req) => {
  const name = (req.url ?? '/').slice(1).split('?')[0]!;
  let room = rooms.get(name);
  if (!room) rooms.set(name, (room = new Set()));
  room.add(ws);
  ws.on('message', (data, isBinary) => {
    for (const other of room) if (other !== ws && other.readyState === 1) other.send(data, { binary: isBinary });
  });
  ws.on('close', () => room.delete(ws));
  ws.on('error', () => ws.terminate());
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  serveRpc({});
  console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
