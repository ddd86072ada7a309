/**
 * The stock y-websocket server (@y/websocket-server 0.1.1), as its own bin runs it:
 * `setupWSConnection` on every upgrade, the document named by the URL path, in memory.
 * The `fill` command writes messages straight into a document (seeding for cold opens).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { setupWSConnection, getYDoc, docs } from '@y/websocket-server/utils';
import type * as Y from 'yjs';
import { serveRpc } from './rpc.ts';
import { fillDoc, type FillArg } from './fill.ts';

const server = http.createServer((_req, res) => res.end('okay'));
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', setupWSConnection);
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  serveRpc({
    fill: (arg: FillArg) => {
      const doc = getYDoc(arg.docName) as Y.Doc;
      fillDoc(doc, arg, 1000);
      return { docs: (docs as Map<string, unknown>).size };
    },
  });
  console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
