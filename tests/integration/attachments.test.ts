/**
 * Attachments against the real server: the upload limit enforced mid-stream, types sniffed
 * from the bytes (a PNG sent as text/html, HTML sent as image/png), who may read (uploader,
 * members of a room where the uploader's message references it, nobody else), one file per
 * content, byte ranges and validators, path-like ids, signed URLs and client-proposed ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient, type ApiResponse } from './helpers/api.ts';
import { expectProblem } from './helpers/expect-problem.ts';
import { waitFor } from './helpers/sync.ts';
import { newId } from '#shared/ids';
import { roomDocName } from '#shared/room-doc/names';
import { messageKey } from '#shared/room-doc/schema';
import { sendMessage } from '#shared/room-doc/ops';
import { signAttachment, signedQuery } from '../../server/src/attachments/signed-url.ts';

const SECRET = 'attachments-test-secret-attachments-test-secret';
const LIMIT = Math.round(0.1 * 1024 * 1024);
let server: TestServer;
let ann: TestClient, ben: TestClient, cy: TestClient;
let annId: string, annSession: string;
let roomId: string;
let png: Uint8Array;

beforeAll(async () => {
  server = await startTestServer({ MAX_UPLOAD_MB: '0.1', JWT_SECRET: SECRET });
  [ann, ben, cy] = [new TestClient(server.url), new TestClient(server.url), new TestClient(server.url)];
  const a = await ann.signUp('ann');
  annId = a.user.id;
  annSession = a.sessionId;
  const benId = (await ben.signUp('ben')).user.id;
  await cy.signUp('cyd');
  roomId = (await ann.post('/api/rooms', { name: 'Photos', memberIds: [benId] })).body.room.id;
  png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3a7' } }).png().toBuffer();
});
afterAll(() => server.stop());

const store = () => join(server.dataDir, 'attachments');
const filesIn = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface UploadOptions {
  type?: string;
  name?: string;
  id?: string;
}
function upload(c: TestClient, bytes: Uint8Array, o: UploadOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { 'Content-Type': o.type ?? 'application/octet-stream' };
  if (o.name !== undefined) headers['X-Filename'] = encodeURIComponent(o.name);
  if (o.id !== undefined) headers['X-Attachment-Id'] = o.id;
  return c.req('POST', '/api/attachments', bytes, headers);
}

/** GET that keeps the body as bytes. */
async function fetchBytes(path: string, headers: Record<string, string> = {}, token?: string) {
  const res = await fetch(server.url + path, { headers: { ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

const postWith = (c: TestClient, attachmentId: string, text = '') => c.post(`/api/rooms/${roomId}/messages`, { text, attachmentId });

describe('upload limit', () => {
  it('answers 413 while the body is still streaming, and leaves no file behind', async () => {
    const before = filesIn(store());
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}/api/attachments`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ann.token}`, 'Content-Type': 'application/octet-stream', 'X-Filename': 'big.bin' },
      });
      // Chunked, no Content-Length: the server can only find out by counting.
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, body: text });
        });
      });
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      // Twice the limit, then the request stays open: only an answer given mid-stream ends this test.
      const chunk = Buffer.alloc(16 * 1024, 7);
      for (let sent = 0; sent < 2 * LIMIT; sent += chunk.length) req.write(chunk);
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(filesIn(store())).toEqual(before);
    expect(readdirSync(join(store(), 'tmp'))).toEqual([]);
  });

  it('removes the temp file when the client goes away mid-upload', async () => {
    const req = request(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ann.token}`, 'X-Filename': 'gone.bin' },
    });
    req.on('error', () => {});
    req.write(Buffer.alloc(32 * 1024, 3));
    const tmp = join(store(), 'tmp');
    await waitFor(() => readdirSync(tmp).length === 1, 5000, 'the upload to start');
    req.destroy();
    await waitFor(() => readdirSync(tmp).length === 0, 5000, 'the temp file to go');
    // The server is fine afterwards.
    expect((await upload(ann, png, { name: 'after.png' })).status).toBe(201);
  });

  it('refuses a declared Content-Length over the limit, and accepts exactly the limit', async () => {
    expectProblem(await upload(ann, new Uint8Array(LIMIT + 1), { name: 'over.bin' }), 413, 'payload_too_large');
    const exact = await upload(ann, new Uint8Array(LIMIT).fill(1), { name: 'exact.bin' });
    expect(exact.status).toBe(201);
    expect(exact.body.attachment).toMatchObject({ size: LIMIT, mime: 'application/octet-stream' });
    expect(readdirSync(join(store(), 'tmp'))).toEqual([]);
  });

  it('refuses an empty body, a bad id header and a missing token', async () => {
    expectProblem(await upload(ann, new Uint8Array(0), { name: 'empty' }), 400, 'bad_request');
    expectProblem(await upload(ann, png, { id: '../../etc' }), 400, 'bad_request');
    expectProblem(await upload(new TestClient(server.url), png), 401, 'unauthorized');
  });
});

describe('types come from the bytes', () => {
  it('stores and serves a PNG sent as text/html as an inline image/png, with size and thumbnail', async () => {
    const r = await upload(ann, png, { type: 'text/html', name: 'holiday.html' });
    expect(r.status).toBe(201);
    expect(r.body.attachment).toMatchObject({ name: 'holiday.html', mime: 'image/png', size: png.length, width: 40, height: 30, sha256: sha256(png), hasThumbnail: true });
    const got = await fetchBytes(`/api/attachments/${r.body.attachment.id}`, {}, ann.token);
    expect(got.status).toBe(200);
    expect(Buffer.from(got.bytes).equals(Buffer.from(png))).toBe(true);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(got.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expect(got.headers.get('etag')).toBe(`"${sha256(png)}"`);

    const thumb = await fetchBytes(`/api/attachments/${r.body.attachment.id}/thumbnail`, {}, ann.token);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(thumb.bytes).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'webp', width: 40, height: 30 });
  });

  it('serves HTML sent as image/png as a plain-text download, never inline HTML', async () => {
    const html = new TextEncoder().encode('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
    const r = await upload(ann, html, { type: 'image/png', name: 'cat.png' });
    expect(r.status).toBe(201);
    expect(r.body.attachment).toMatchObject({ mime: 'text/plain', hasThumbnail: false });
    expect(r.body.attachment.width).toBeUndefined();
    const got = await fetchBytes(`/api/attachments/${r.body.attachment.id}`, {}, ann.token);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="cat.png"; filename\*=UTF-8''cat\.png$/);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expectProblem(await ann.get(`/api/attachments/${r.body.attachment.id}/thumbnail`), 404, 'not_found');
  });

  it('serves SVG as a download too', async () => {
    const svg = new TextEncoder().encode('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const r = await upload(ann, svg, { type: 'image/svg+xml', name: 'logo.svg' });
    const got = await fetchBytes(`/api/attachments/${r.body.attachment.id}`, {}, ann.token);
    expect(got.headers.get('content-type')).not.toMatch(/svg|html/);
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it('keeps a UTF-8 file name, and a safe ASCII fallback', async () => {
    const r = await upload(ann, new TextEncoder().encode('notes'), { name: 'C:\\docs\\résumé "final";📄.txt' });
    expect(r.body.attachment.name).toBe('résumé "final";📄.txt');
    const got = await fetchBytes(`/api/attachments/${r.body.attachment.id}`, {}, ann.token);
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename="r_sum_ _final___.txt"; filename*=UTF-8''${encodeURIComponent('résumé "final";📄.txt')}`,
    );
  });
});

describe('who may read', () => {
  it('the uploader; a member once the uploader posts it in their room; never a non-member', async () => {
    const id = (await upload(ann, png, { name: 'shared.png' })).body.attachment.id;
    expect((await ann.get(`/api/attachments/${id}`)).status).toBe(200);
    expectProblem(await ben.get(`/api/attachments/${id}`), 404, 'not_found');
    expectProblem(await cy.get(`/api/attachments/${id}`), 404, 'not_found');
    expectProblem(await new TestClient(server.url).get(`/api/attachments/${id}`), 401, 'unauthorized');
    expectProblem(await ben.get(`/api/attachments/${id}/url`), 404, 'not_found');

    const posted = await postWith(ann, id);
    expect(posted.status).toBe(201);
    expect(posted.body.message).toMatchObject({ kind: 'image', text: '', attachment: { id, name: 'shared.png', mime: 'image/png', size: png.length, width: 40, height: 30 } });
    expect((await ben.get(`/api/attachments/${id}`)).status).toBe(200);
    expect((await ben.get(`/api/attachments/${id}/thumbnail`)).status).toBe(200);
    expectProblem(await cy.get(`/api/attachments/${id}`), 404, 'not_found');

    // Deleting the message ends the members' access; the uploader keeps theirs.
    expect((await ann.delete(`/api/rooms/${roomId}/messages/${posted.body.message.id}`)).status).toBe(204);
    expectProblem(await ben.get(`/api/attachments/${id}`), 404, 'not_found');
    expect((await ann.get(`/api/attachments/${id}`)).status).toBe(200);
  });

  it("won't post someone else's attachment, and makes a file message for other types", async () => {
    const doc = await upload(ann, new TextEncoder().encode('%PDF-1.4\n%%EOF\n'), { name: 'a.pdf' });
    expect(doc.body.attachment.mime).toBe('application/pdf');
    expectProblem(await postWith(ben, doc.body.attachment.id, 'look'), 400, 'bad_request');
    expectProblem(await ben.get(`/api/attachments/${doc.body.attachment.id}`), 404, 'not_found');
    const posted = await postWith(ann, doc.body.attachment.id, 'the contract');
    expect(posted.body.message).toMatchObject({ kind: 'file', text: 'the contract', attachment: { mime: 'application/pdf' } });
    expectProblem(await ann.post(`/api/rooms/${roomId}/messages`, { text: '' }), 400, 'bad_request');
  });

  it('grants nothing through a message by someone other than the uploader (an id claimed first)', async () => {
    // Ann's device names an attachment in a message before uploading it; Ben sees the id
    // and uploads other bytes under it first.
    const id = newId();
    await server.deps.sync.hub.serverWrite(roomDocName(roomId, 0), annId, (d) => {
      const m = sendMessage(d, { authorId: annId, deviceId: annSession, kind: 'file', text: '', attachment: { id, name: 'plan.txt', mime: 'text/plain', size: 4 } });
      return [messageKey(annId, m.id)];
    });
    expect((await upload(ben, new TextEncoder().encode('evil'), { id })).status).toBe(201);
    expectProblem(await ann.get(`/api/attachments/${id}`), 404, 'not_found');
    expectProblem(await upload(ann, new TextEncoder().encode('plan'), { id }), 409, 'conflict');
  });
});

describe('storage and serving', () => {
  it('stores the same bytes once, under one id per upload', async () => {
    const bytes = new TextEncoder().encode(`dedupe me ${newId()}`);
    const a = await upload(ann, bytes, { name: 'a.txt' });
    const b = await upload(ben, bytes, { name: 'b.txt' });
    expect(a.body.attachment.id).not.toBe(b.body.attachment.id);
    expect(a.body.attachment.sha256).toBe(b.body.attachment.sha256);
    expect(filesIn(join(store(), 'blobs')).filter((f) => f.endsWith(sha256(bytes)))).toHaveLength(1);
    expect((await ben.get(`/api/attachments/${b.body.attachment.id}`)).body).toBe(new TextDecoder().decode(bytes));
    expectProblem(await ben.get(`/api/attachments/${a.body.attachment.id}`), 404, 'not_found');
  });

  it('serves byte ranges, 416 past the end, and 304 for a matching ETag', async () => {
    const bytes = new TextEncoder().encode('0123456789abcdefghij');
    const id = (await upload(ann, bytes, { name: 'range.txt' })).body.attachment.id;
    const path = `/api/attachments/${id}`;
    const first = await fetchBytes(path, { Range: 'bytes=0-9' }, ann.token);
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe('bytes 0-9/20');
    expect(new TextDecoder().decode(first.bytes)).toBe('0123456789');
    const tail = await fetchBytes(path, { Range: 'bytes=-5' }, ann.token);
    expect([tail.status, new TextDecoder().decode(tail.bytes)]).toEqual([206, 'fghij']);
    const open = await fetchBytes(path, { Range: 'bytes=15-' }, ann.token);
    expect([open.status, open.headers.get('content-range'), new TextDecoder().decode(open.bytes)]).toEqual([206, 'bytes 15-19/20', 'fghij']);
    const past = await fetchBytes(path, { Range: 'bytes=20-30' }, ann.token);
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */20');
    const stale = await fetchBytes(path, { Range: 'bytes=0-1', 'If-Range': '"something-else"' }, ann.token);
    expect([stale.status, stale.bytes.length]).toEqual([200, 20]);
    const head = await fetch(server.url + path, { method: 'HEAD', headers: { Authorization: `Bearer ${ann.token}` } });
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '20', '']);
    const etag = first.headers.get('etag')!;
    const cached = await fetchBytes(path, { 'If-None-Match': etag }, ann.token);
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(etag);
  });

  it('answers 404 for path-like ids and never serves a file outside the store', async () => {
    const paths = [
      '/api/attachments/..%2F..%2Fjwt-secret',
      '/api/attachments/..%2Fparley.sqlite',
      '/api/attachments/%2e%2e%2f%2e%2e%2fjwt-secret',
      '/api/attachments/..%5C..%5Cjwt-secret',
      '/api/attachments/jwt-secret',
      '/api/attachments/..%2F..%2Fjwt-secret/thumbnail',
      '/api/attachments/..%2F..%2Fjwt-secret/url',
      `/api/attachments/${newId().toLowerCase()}`,
      `/api/attachments/${newId()}`,
    ];
    for (const p of paths) {
      const r = await ann.get(p);
      expect({ p, status: r.status }).toEqual({ p, status: 404 });
      expect(JSON.stringify(r.body)).not.toContain(SECRET);
    }
    // Dot segments sent as they are: the server resolves them as a URL (to /jwt-secret,
    // outside /api) before any route sees them, so they reach neither the store nor DATA_DIR.
    for (const raw of ['/api/attachments/../../jwt-secret', '/api/attachments/%2e%2e/%2e%2e/jwt-secret']) {
      const res = await new Promise<{ status: number; type: string; disposition: unknown; body: string }>((resolve, reject) => {
        const req = request(server.url, { path: raw, headers: { Authorization: `Bearer ${ann.token}` } }, (r) => {
          let text = '';
          r.on('data', (d) => (text += d));
          r.on('end', () => resolve({ status: r.statusCode!, type: String(r.headers['content-type']), disposition: r.headers['content-disposition'], body: text }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(res.body).not.toContain(SECRET);
      expect(res.disposition).toBeUndefined();
      expect(res.type).toMatch(/^text\/(html|plain)/); // the app shell (or "not built")
    }
  });
});

describe('signed URLs', () => {
  it('work without a bearer token, for this attachment only, until they expire', async () => {
    const r = (await upload(ann, png, { name: 'signed.png' })).body.attachment;
    const other = (await upload(ann, new TextEncoder().encode('other'), { name: 'o.txt' })).body.attachment;
    const urls = await ann.get(`/api/attachments/${r.id}/url`);
    expect(urls.status).toBe(200);
    expect(Date.parse(urls.body.expiresAt) - Date.now()).toBeGreaterThan(60_000);
    const got = await fetchBytes(urls.body.url);
    expect(got.status).toBe(200);
    expect(Buffer.from(got.bytes).equals(Buffer.from(png))).toBe(true);
    expect((await fetchBytes(urls.body.thumbnailUrl)).headers.get('content-type')).toBe('image/webp');

    const query = urls.body.url.split('?')[1];
    expect((await fetchBytes(`/api/attachments/${other.id}?${query}`)).status).toBe(401);
    expect((await fetchBytes(urls.body.url.replace(/sig=./, 'sig=A'))).status).toBe(401);
    // A signed URL doesn't mint more of them.
    expect((await fetchBytes(`/api/attachments/${r.id}/url?${query}`)).status).toBe(401);

    const past = signedQuery(signAttachment(new TextEncoder().encode(SECRET), r.id, annSession, Math.floor(Date.now() / 1000) - 1));
    const expired = await ann.req('GET', `/api/attachments/${r.id}?${past}`, undefined, { Authorization: '' });
    expectProblem(expired, 401, 'token_expired');
  });

  it('stop working when the session that asked for them signs out', async () => {
    const dev = new TestClient(server.url);
    await dev.logIn('ann');
    const id = (await upload(dev, new TextEncoder().encode('bye'), { name: 'bye.txt' })).body.attachment.id;
    const { url } = (await dev.get(`/api/attachments/${id}/url`)).body;
    expect((await fetchBytes(url)).status).toBe(200);
    expect((await dev.post('/api/auth/logout')).status).toBe(204);
    expect((await fetchBytes(url)).status).toBe(401);
  });
});

describe('client-proposed ids (X-Attachment-Id)', () => {
  it('are idempotent for the same user and bytes, and conflict otherwise', async () => {
    const id = newId();
    const bytes = new TextEncoder().encode('written offline');
    const first = await upload(ann, bytes, { id, name: 'offline.txt' });
    expect(first.status).toBe(201);
    expect(first.body.attachment.id).toBe(id);
    const again = await upload(ann, bytes, { id, name: 'offline.txt' });
    expect(again.status).toBe(200);
    expect(again.body.attachment).toEqual(first.body.attachment);
    expectProblem(await upload(ann, new TextEncoder().encode('something else'), { id }), 409, 'conflict');
    expectProblem(await upload(ben, bytes, { id }), 409, 'conflict');
    expect(readdirSync(join(store(), 'tmp'))).toEqual([]);
  });
});
