/**
 * A TCP proxy in front of the server whose link can stall: bytes stop flowing both ways
 * and nothing is closed, as when a phone loses its network. (Chromium's own offline
 * emulation still answers WebSocket pings, so a server's heartbeat can't see it.) After
 * `resume()` the stalled connections are dropped, as a changed network would, and new
 * ones flow again.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface StallProxy {
  /** The server's URL, through the proxy. */
  url: string;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startStallProxy(target: string): Promise<StallProxy> {
  const t = new URL(target);
  let stalled = false;
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    const upstream = connect(Number(t.port), t.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    // Dropped on the floor while stalled: neither side hears from the other.
    client.on('data', (d) => !stalled && upstream.write(d));
    upstream.on('data', (d) => !stalled && client.write(d));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stall: () => void (stalled = true),
    resume() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
      stalled = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
