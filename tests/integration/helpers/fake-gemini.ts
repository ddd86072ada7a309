/**
 * A stand-in for the Gemini API: a node:http server on 127.0.0.1, port 0, speaking
 * `POST /v1beta/models/<model>:generateContent` (key in `x-goog-api-key`). It records
 * every request and answers from a queue of programmed responses (then the default).
 * Point the real SDK at it with `GEMINI_BASE_URL`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One programmed answer. */
export type FakeResponse =
  | { kind: 'ok'; text: string }
  /** An error status with Google's error body (429 → RESOURCE_EXHAUSTED, 5xx → INTERNAL/UNAVAILABLE). */
  | { kind: 'status'; status: number }
  /** Never answers (the client's time-out must end it). */
  | { kind: 'hang' }
  /** Answers `text` once `until` resolves. */
  | { kind: 'held'; text: string; until: Promise<void> };

export interface RecordedRequest {
  model: string;
  apiKey: string | undefined;
  path: string;
  body: any;
}

export interface FakeGemini {
  url: string;
  requests: RecordedRequest[];
  /** Queues answers for the next requests, in order. */
  respond(...r: FakeResponse[]): void;
  /** Resolves once `n` requests in all have arrived. */
  waitForRequests(n: number): Promise<void>;
  close(): Promise<void>;
}

const STATUS_NAME: Record<number, string> = { 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

export async function startFakeGemini(defaultText = 'Auto reply.'): Promise<FakeGemini> {
  const queue: FakeResponse[] = [];
  const requests: RecordedRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const hanging = new Set<ServerResponse>();

  function json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  }
  const okBody = (text: string) => ({
    candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
    modelVersion: 'fake',
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(req.url?.split('?')[0] ?? '');
    if (req.method !== 'POST' || !m) return json(res, 404, { error: { code: 404, message: `no route ${req.method} ${req.url}`, status: 'NOT_FOUND' } });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const key = req.headers['x-goog-api-key'];
    requests.push({
      model: decodeURIComponent(m[1]!),
      apiKey: Array.isArray(key) ? key[0] : key,
      path: req.url!,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
    });
    for (const w of waiters.filter((w) => requests.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    const r = queue.shift() ?? { kind: 'ok', text: defaultText };
    switch (r.kind) {
      case 'ok':
        return json(res, 200, okBody(r.text));
      case 'status':
        return json(res, r.status, { error: { code: r.status, message: 'Programmed failure', status: STATUS_NAME[r.status] ?? 'UNKNOWN' } });
      case 'hang':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      case 'held':
        await r.until;
        if (!res.destroyed) json(res, 200, okBody(r.text));
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) json(res, 500, { error: { code: 500, message: String(e), status: 'INTERNAL' } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (...r) => void queue.push(...r),
    waitForRequests: (n) => (requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
