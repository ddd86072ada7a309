/**
 * Wires config, database, stores and the HTTP app into a listening Node server.
 * `main.ts` calls it for `npm start`; integration tests call it on port 0.
 */
import { createAdaptorServer } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Config } from './config.ts';
import { openDb, type Db } from './storage/db.ts';
import { SessionStore } from './auth/sessions.ts';
import { Events } from './events.ts';
import { createApp, type AppDeps } from './app.ts';
import { createSync } from './sync/index.ts';

export interface RunningServer {
  url: string;
  port: number;
  deps: AppDeps;
  http: Server;
  close(): Promise<void>;
}

export function createLogger(quiet: boolean): AppDeps['log'] {
  return (msg, extra) => {
    if (quiet) return;
    console.log(JSON.stringify({ t: new Date().toISOString(), msg, ...extra }));
  };
}

export async function startServer(config: Config): Promise<RunningServer> {
  const db: Db = openDb(config.dataDir);
  const events = new Events();
  const sessions = new SessionStore(db, config.refreshTokenTtlS);
  sessions.onRevoke = (sessionId, userId) => events.emit('sessionRevoked', { sessionId, userId });
  const base = { config, db, sessions, events, log: createLogger(config.quiet) };
  const sync = createSync(base);
  const deps: AppDeps = { ...base, sync };
  const app = createApp(deps);
  const http = createAdaptorServer({ fetch: app.fetch }) as Server;
  sync.attach(http);
  // Keep idle HTTP connections open longer than clients and proxies do (Node's 5 s default
  // lets a client reuse a socket the server is closing at that moment: ECONNRESET).
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      sync.close(); // flushes pending writes, closes sockets
      http.closeAllConnections?.();
      await new Promise<void>((r) => http.close(() => r()));
      db.close();
    })());
  return { url, port, deps, http, close };
}
