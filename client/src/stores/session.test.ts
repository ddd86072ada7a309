import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSessionStore, type SessionStore } from './session.ts';

const me = { id: 'U1', username: 'ann', displayName: 'Ann', createdAt: '2026-01-01T00:00:00Z', settings: {} };
const later = () => new Date(Date.now() + 15 * 60_000).toISOString();
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const problem = (status: number, code: string) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'x', status, detail: 'x', code }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  });

/** A fake server: routes by method and path, counts requests. */
function fakeServer(routes: Record<string, (init: RequestInit) => Response | Promise<Response>>) {
  const seen: string[] = [];
  const fetch = (async (url: RequestInfo | URL, init?: RequestInit) => {
    const key = `${init?.method ?? 'GET'} ${String(url)}`;
    seen.push(key);
    const route = routes[key];
    if (!route) return problem(404, 'not_found');
    return route(init ?? {});
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

let store: SessionStore | undefined;
afterEach(() => {
  store?.dispose();
  vi.unstubAllGlobals();
});

/** localStorage holding `entries` (Node has none). */
function stubStorage(entries: Record<string, string>) {
  const data = new Map(Object.entries(entries));
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  });
  return data;
}

/** A promise and the function that resolves it. */
function gate<T>() {
  let open!: (v: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}

describe('createSessionStore', () => {
  it('restores a login from the refresh cookie on start', async () => {
    const srv = fakeServer({
      'POST /api/auth/refresh': () => json(200, { accessToken: 'A', expiresAt: later() }),
      'GET /api/me': (init) => (new Headers(init.headers).get('Authorization') === 'Bearer A' ? json(200, me) : problem(401, 'unauthorized')),
    });
    store = createSessionStore({ fetch: srv.fetch });
    expect(store.status()).toBe('starting');
    await store.start();
    expect(store.status()).toBe('signed-in');
    expect(store.user()?.username).toBe('ann');
  });

  it('is signed out when there is no valid refresh cookie', async () => {
    const srv = fakeServer({ 'POST /api/auth/refresh': () => problem(401, 'unauthorized') });
    store = createSessionStore({ fetch: srv.fetch });
    await store.start();
    expect(store.status()).toBe('signed-out');
    expect(srv.seen).toEqual(['POST /api/auth/refresh']);
  });

  it('shares one refresh between concurrent expired requests', async () => {
    let token = 'A';
    let refreshes = 0;
    const srv = fakeServer({
      'POST /api/auth/login': () => json(200, { accessToken: 'A', expiresAt: later(), user: me, sessionId: 'S1' }),
      'POST /api/auth/refresh': async () => {
        refreshes++;
        await new Promise((r) => setTimeout(r, 10));
        token = `B${refreshes}`;
        return json(200, { accessToken: token, expiresAt: later() });
      },
      'GET /api/rooms': (init) =>
        new Headers(init.headers).get('Authorization') === `Bearer ${token}` && token !== 'A' ? json(200, { rooms: [] }) : problem(401, 'token_expired'),
    });
    store = createSessionStore({ fetch: srv.fetch });
    await store.login({ username: 'ann', password: 'pw', deviceName: 'test' });
    const results = await Promise.all([store.api.rooms(), store.api.rooms(), store.api.rooms()]);
    expect(results).toEqual([[], [], []]);
    expect(refreshes).toBe(1);
  });

  it('logs out on the server and forgets the user', async () => {
    const srv = fakeServer({
      'POST /api/auth/login': () => json(200, { accessToken: 'A', expiresAt: later(), user: me, sessionId: 'S1' }),
      'POST /api/auth/logout': () => new Response(null, { status: 204 }),
    });
    store = createSessionStore({ fetch: srv.fetch });
    await store.login({ username: 'ann', password: 'pw', deviceName: 'test' });
    expect(store.status()).toBe('signed-in');
    await store.logout();
    expect(store.status()).toBe('signed-out');
    expect(store.user()).toBeNull();
    expect(srv.seen).toContain('POST /api/auth/logout');
  });

  it('starts a remembered user at once; calls made meanwhile wait for the refreshed token', async () => {
    stubStorage({ 'parley:last-user': JSON.stringify(me) });
    const refreshAnswer = gate<Response>();
    const srv = fakeServer({
      'POST /api/auth/refresh': () => refreshAnswer.promise,
      'GET /api/me': () => json(200, { ...me, displayName: 'Ann B' }),
      'GET /api/rooms': (init) => (new Headers(init.headers).get('Authorization') === 'Bearer A' ? json(200, { rooms: [] }) : problem(401, 'unauthorized')),
    });
    store = createSessionStore({ fetch: srv.fetch });
    const started = store.start();
    expect(store.status()).toBe('signed-in');
    expect(store.user()?.displayName).toBe('Ann');
    const rooms = store.api.rooms();
    refreshAnswer.open(json(200, { accessToken: 'A', expiresAt: later() }));
    expect(await rooms).toEqual([]);
    await started;
    expect(store.user()?.displayName).toBe('Ann B');
    expect(srv.seen[0]).toBe('POST /api/auth/refresh');
    expect(srv.seen.slice(1).sort()).toEqual(['GET /api/me', 'GET /api/rooms']);
  });

  it('stays signed in offline with the remembered user; a refused cookie signs out', async () => {
    stubStorage({ 'parley:last-user': JSON.stringify(me) });
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof globalThis.fetch;
    store = createSessionStore({ fetch: offline });
    await store.start();
    expect(store.status()).toBe('signed-in');
    expect(store.user()?.username).toBe('ann');
    store.dispose();

    const data = stubStorage({ 'parley:last-user': JSON.stringify(me) });
    const srv = fakeServer({ 'POST /api/auth/refresh': () => problem(401, 'unauthorized') });
    store = createSessionStore({ fetch: srv.fetch });
    await store.start();
    expect(store.status()).toBe('signed-out');
    expect(data.has('parley:last-user')).toBe(false);
  });
});
