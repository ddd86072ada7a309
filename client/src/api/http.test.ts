import { describe, expect, it } from 'vitest';
import { ApiError, createHttp, NetworkError } from './http.ts';

type Call = { url: string; init: RequestInit };

/** A fetch that answers from a queue and records what it was asked. */
function fakeFetch(answers: (() => Response)[]) {
  const calls: Call[] = [];
  const fn = (async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    return next();
  }) as typeof fetch;
  return { fn, calls };
}

const json = (status: number, body: unknown, type = 'application/json') =>
  () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
const problem = (status: number, code: string, detail = 'nope') =>
  json(status, { type: 'about:blank', title: 'x', status, detail, code }, 'application/problem+json');

const header = (c: Call, name: string) => new Headers(c.init.headers).get(name);

describe('createHttp', () => {
  it('sends JSON with the bearer token and same-origin credentials', async () => {
    const f = fakeFetch([json(200, { ok: 1 })]);
    const http = createHttp({ fetch: f.fn, auth: { accessToken: () => 'T1', refresh: async () => false } });
    expect(await http.post('/api/x', { a: 1 })).toEqual({ ok: 1 });
    expect(f.calls[0]!.init.credentials).toBe('same-origin');
    expect(header(f.calls[0]!, 'Authorization')).toBe('Bearer T1');
    expect(header(f.calls[0]!, 'Content-Type')).toBe('application/json');
    expect(f.calls[0]!.init.body).toBe('{"a":1}');
  });

  it('encodes the query and returns undefined for 204', async () => {
    const f = fakeFetch([() => new Response(null, { status: 204 })]);
    const http = createHttp({ fetch: f.fn });
    expect(await http.get('/api/users', { q: 'a b', skip: undefined })).toBeUndefined();
    expect(f.calls[0]!.url).toBe('/api/users?q=a+b');
    expect(header(f.calls[0]!, 'Authorization')).toBeNull();
  });

  it('throws ApiError carrying the problem', async () => {
    const http = createHttp({ fetch: fakeFetch([problem(409, 'username_taken', 'Taken')]).fn });
    const err = (await http.post('/api/auth/register', {}).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(409);
    expect(err.code).toBe('username_taken');
    expect(err.message).toBe('Taken');
  });

  it('makes a problem of an answer that is not one', async () => {
    const http = createHttp({ fetch: fakeFetch([() => new Response('<html>bad gateway', { status: 502 })]).fn });
    const err = (await http.get('/api/rooms').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.problem).toMatchObject({ status: 502, code: 'internal' });
  });

  it('throws NetworkError when fetch itself fails', async () => {
    const http = createHttp({ fetch: (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch });
    await expect(http.get('/api/rooms')).rejects.toBeInstanceOf(NetworkError);
  });

  it('on token_expired refreshes once and retries with the new token', async () => {
    let token = 'old';
    let refreshes = 0;
    const f = fakeFetch([problem(401, 'token_expired'), json(200, { rooms: [] })]);
    const http = createHttp({
      fetch: f.fn,
      auth: { accessToken: () => token, refresh: async () => ((token = 'new'), ++refreshes > 0) },
    });
    expect(await http.get('/api/rooms')).toEqual({ rooms: [] });
    expect(refreshes).toBe(1);
    expect(f.calls.map((c) => header(c, 'Authorization'))).toEqual(['Bearer old', 'Bearer new']);
  });

  it('does not loop when the retried request is refused again', async () => {
    let refreshes = 0;
    const f = fakeFetch([problem(401, 'token_expired'), problem(401, 'token_expired')]);
    const http = createHttp({ fetch: f.fn, auth: { accessToken: () => 't', refresh: async () => ++refreshes > 0 } });
    await expect(http.get('/api/rooms')).rejects.toMatchObject({ code: 'token_expired' });
    expect(refreshes).toBe(1);
    expect(f.calls).toHaveLength(2);
  });

  it('does not refresh for a revoked session', async () => {
    let refreshes = 0;
    const http = createHttp({
      fetch: fakeFetch([problem(401, 'session_revoked')]).fn,
      auth: { accessToken: () => 't', refresh: async () => ++refreshes > 0 },
    });
    await expect(http.get('/api/me')).rejects.toMatchObject({ code: 'session_revoked' });
    expect(refreshes).toBe(0);
  });
});
