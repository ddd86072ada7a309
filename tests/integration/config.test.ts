import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';

let server: TestServer;
let api: TestClient;
beforeAll(async () => {
  server = await startTestServer({ MAX_UPLOAD_MB: '2', EDIT_WINDOW_S: '60' });
  api = new TestClient(server.url);
});
afterAll(() => server.stop());

describe('config and health', () => {
  it('publishes the limits without a token', async () => {
    const r = await api.get('/api/config');
    expect(r.status).toBe(200);
    expect(r.body.limits).toMatchObject({ maxUploadBytes: 2 * 1024 * 1024, editWindowSeconds: 60, maxTextChars: 8000 });
    expect(r.body.ai).toEqual({ available: false });
    expect(r.body.protocolVersion).toBe(1);
  });

  it('answers health', async () => {
    expect((await api.get('/api/health')).body).toEqual({ ok: true });
  });

  it('answers unknown API routes with a problem+json 404 carrying a request id', async () => {
    const r = await api.get('/api/nope');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 404, code: 'not_found', title: 'Not Found' });
    expect(r.body.requestId).toBe(r.headers.get('x-request-id'));
  });
});
