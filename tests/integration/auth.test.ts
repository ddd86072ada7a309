/** Register, login, refresh (rotation and theft detection), logout, access-token checks, 413 and 429. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { expectProblem } from './helpers/expect-problem.ts';

const PASSWORD = 'correct horse battery';
const REFRESH_TTL_S = 3600;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    MAX_JSON_KB: '1',
    REFRESH_TOKEN_TTL_S: String(REFRESH_TTL_S),
    LOGIN_RATE_PER_IP: '1000',
    LOGIN_RATE_PER_USER: '1000',
    REGISTER_RATE_PER_IP: '1000',
  });
});
afterAll(() => server.stop());

const client = () => new TestClient(server.url);
let n = 0;
/** A fresh username per test, so tests don't depend on each other. */
const uname = (base: string) => `${base}${++n}`;

describe('POST /api/auth/register', () => {
  it('creates a user and answers 201 {user} with the Me shape, lowercasing the username', async () => {
    const name = uname('Alice');
    const r = await client().post('/api/auth/register', { username: name, password: PASSWORD, displayName: ' Alice A ' });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(['user']);
    expect(r.body.user).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      username: name.toLowerCase(),
      displayName: 'Alice A',
      createdAt: expect.any(String),
      settings: { shareReadReceipts: true, sharePresence: true, aiAutoReply: { enabled: false, persona: '', rooms: 'all' } },
    });
    const stored = server.deps.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(r.body.user.id) as { password_hash: string };
    expect(stored.password_hash).toMatch(/^scrypt\$/);
    expect(stored.password_hash).not.toContain(PASSWORD);
  });

  it('refuses a username taken in another case with 409 username_taken', async () => {
    const name = uname('bob');
    expect((await client().post('/api/auth/register', { username: name, password: PASSWORD, displayName: 'Bob' })).status).toBe(201);
    const r = await client().post('/api/auth/register', { username: name.toUpperCase(), password: PASSWORD, displayName: 'Bob 2' });
    expectProblem(r, 409, 'username_taken');
  });

  it.each([
    ['a username too short', { username: 'ab', password: PASSWORD, displayName: 'X' }],
    ['a username too long', { username: 'a'.repeat(33), password: PASSWORD, displayName: 'X' }],
    ['a username with a space', { username: 'a b c', password: PASSWORD, displayName: 'X' }],
    ['a username with a dash', { username: 'ab-cd', password: PASSWORD, displayName: 'X' }],
    ['a username with a non-ASCII letter', { username: 'zoë123', password: PASSWORD, displayName: 'X' }],
    ['a short password', { username: 'carol_x', password: 'short', displayName: 'X' }],
    ['an empty display name', { username: 'carol_y', password: PASSWORD, displayName: '   ' }],
    ['a missing display name', { username: 'carol_z', password: PASSWORD }],
    ['a username that is not a string', { username: 12345, password: PASSWORD, displayName: 'X' }],
  ])('answers 400 for %s', async (_what, body) => {
    const r = await client().post('/api/auth/register', body);
    expectProblem(r, 400, 'bad_request');
    expect(r.body.errors.length).toBeGreaterThan(0);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const r = await client().req('POST', '/api/auth/register', 'not json', { 'Content-Type': 'application/json' });
    expectProblem(r, 400, 'bad_request');
  });

  it('answers 413 for a body over MAX_JSON_KB', async () => {
    const r = await client().post('/api/auth/register', { username: uname('big'), password: PASSWORD, displayName: 'x'.repeat(2000) });
    expectProblem(r, 413, 'payload_too_large');
  });
});

describe('POST /api/auth/login', () => {
  let name: string;
  beforeAll(async () => {
    name = uname('dora');
    await client().post('/api/auth/register', { username: name, password: PASSWORD, displayName: 'Dora' });
  });

  it('answers the token, the user and the session id, and sets the refresh cookie', async () => {
    const api = client();
    const r = await api.post('/api/auth/login', { username: name, password: PASSWORD, deviceName: 'Laptop' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      accessToken: expect.any(String),
      expiresAt: expect.any(String),
      user: expect.objectContaining({ username: name, displayName: 'Dora', settings: expect.any(Object) }),
      sessionId: expect.stringMatching(/^[0-9A-Z]{26}$/),
    });
    expect(r.body.user.password_hash).toBeUndefined();
    const expiresIn = Date.parse(r.body.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(14 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000);

    const cookies = r.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const parts = cookies[0]!.split(';').map((s) => s.trim());
    expect(parts[0]).toMatch(/^parley_refresh=[A-Za-z0-9_-]{40,}$/);
    expect(parts).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/api/auth', `Max-Age=${REFRESH_TTL_S}`]));
    expect(parts.some((p) => /^secure$/i.test(p))).toBe(false); // plain http

    api.token = r.body.accessToken;
    expect((await api.get('/api/me')).body.username).toBe(name);
  });

  it('accepts the username in any case', async () => {
    const r = await client().post('/api/auth/login', { username: name.toUpperCase(), password: PASSWORD });
    expect(r.status).toBe(200);
  });

  it('answers a wrong password and an unknown user with the same 401 invalid_credentials', async () => {
    const wrong = await client().post('/api/auth/login', { username: name, password: 'wrong password' });
    const unknown = await client().post('/api/auth/login', { username: 'nobody_here', password: 'wrong password' });
    expectProblem(wrong, 401, 'invalid_credentials');
    expectProblem(unknown, 401, 'invalid_credentials');
    const { requestId: _a, ...w } = wrong.body;
    const { requestId: _b, ...u } = unknown.body;
    expect(w).toEqual(u);
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ['a missing password', { username: 'dora' }],
    ['an empty username', { username: '', password: PASSWORD }],
    ['a password that is not a string', { username: 'dora', password: 42 }],
    ['a device name over 64 characters', { username: 'dora', password: PASSWORD, deviceName: 'd'.repeat(65) }],
  ])('answers 400 for %s', async (_what, body) => {
    expectProblem(await client().post('/api/auth/login', body), 400, 'bad_request');
  });
});

describe('access tokens', () => {
  let api: TestClient;
  let userId: string;
  let sessionId: string;
  const secret = () => server.deps.config.jwtSecret;
  const base = () => new SignJWT({ sid: sessionId }).setSubject(userId).setIssuedAt();

  beforeAll(async () => {
    api = client();
    const login = await api.signUp(uname('erin'));
    userId = login.user.id;
    sessionId = login.sessionId;
  });
  const meWith = (token: string) => api.req('GET', '/api/me', undefined, { Authorization: `Bearer ${token}` });

  it('accepts a token this server signed', async () => {
    const t = await base().setProtectedHeader({ alg: 'HS256' }).setIssuer('parley').setAudience('parley-api').setExpirationTime('5m').sign(secret());
    expect((await meWith(t)).status).toBe(200);
  });

  it('answers 401 without a token, and with a non-bearer Authorization header', async () => {
    expectProblem(await api.req('GET', '/api/me', undefined, { Authorization: '' }), 401, 'unauthorized');
    expectProblem(await api.req('GET', '/api/me', undefined, { Authorization: 'Basic ZXJpbjpwdw==' }), 401, 'unauthorized');
  });

  it('answers 401 token_expired for an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const t = await new SignJWT({ sid: sessionId })
      .setSubject(userId)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('parley')
      .setAudience('parley-api')
      .setIssuedAt(now - 3600)
      .setExpirationTime(now - 60)
      .sign(secret());
    expectProblem(await meWith(t), 401, 'token_expired');
  });

  it('answers 401 for a tampered signature or payload', async () => {
    const [h, p, s] = api.token!.split('.');
    const flipped = (s![0] === 'A' ? 'B' : 'A') + s!.slice(1);
    expectProblem(await meWith(`${h}.${p}.${flipped}`), 401, 'unauthorized');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...payload, sub: 'SOMEONEELSE0000000000000000' })).toString('base64url');
    expectProblem(await meWith(`${h}.${forged}.${s}`), 401, 'unauthorized');
  });

  it('answers 401 for an alg:none token', async () => {
    const t = new UnsecuredJWT({ sid: sessionId }).setSubject(userId).setIssuer('parley').setAudience('parley-api').setExpirationTime('5m').encode();
    expectProblem(await meWith(t), 401, 'unauthorized');
  });

  it('answers 401 for another algorithm with the same secret (algorithm pinned)', async () => {
    const t = await base().setProtectedHeader({ alg: 'HS512' }).setIssuer('parley').setAudience('parley-api').setExpirationTime('5m').sign(secret());
    expectProblem(await meWith(t), 401, 'unauthorized');
  });

  it('answers 401 for a wrong issuer, a wrong audience, or another secret', async () => {
    const wrongIss = await base().setProtectedHeader({ alg: 'HS256' }).setIssuer('evil').setAudience('parley-api').setExpirationTime('5m').sign(secret());
    const wrongAud = await base().setProtectedHeader({ alg: 'HS256' }).setIssuer('parley').setAudience('other').setExpirationTime('5m').sign(secret());
    const otherKey = await base()
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('parley')
      .setAudience('parley-api')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(48)));
    expectProblem(await meWith(wrongIss), 401, 'unauthorized');
    expectProblem(await meWith(wrongAud), 401, 'unauthorized');
    expectProblem(await meWith(otherKey), 401, 'unauthorized');
  });

  it('answers 401 for garbage', async () => {
    expectProblem(await meWith('not.a.jwt'), 401, 'unauthorized');
  });
});

describe('POST /api/auth/refresh', () => {
  it('rotates the refresh token and issues a working access token', async () => {
    const api = client();
    await api.signUp(uname('fay'));
    const first = api.cookies.get('parley_refresh')!;
    const r = await api.post('/api/auth/refresh');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accessToken: expect.any(String), expiresAt: expect.any(String) });
    const second = api.cookies.get('parley_refresh')!;
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    const parts = r.headers.getSetCookie()[0]!.split(';').map((s) => s.trim());
    expect(parts).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/api/auth', `Max-Age=${REFRESH_TTL_S}`]));
    api.token = r.body.accessToken;
    expect((await api.get('/api/me')).status).toBe(200);
    // The new token rotates again.
    expect((await api.post('/api/auth/refresh')).status).toBe(200);
  });

  it('revokes the session when an already rotated token comes back (theft detection)', async () => {
    const api = client();
    await api.signUp(uname('gus'));
    const stolen = api.cookies.get('parley_refresh')!;
    const r = await api.post('/api/auth/refresh');
    expect(r.status).toBe(200);
    // The holder goes on refreshing: the copy's successor has been used.
    const r2 = await api.post('/api/auth/refresh');
    expect(r2.status).toBe(200);
    api.token = r2.body.accessToken;
    const current = api.cookies.get('parley_refresh')!;

    const thief = client();
    thief.cookies.set('parley_refresh', stolen);
    expectProblem(await thief.post('/api/auth/refresh'), 401, 'session_revoked');

    // The whole session is gone: the legitimate holder's access token and current cookie too.
    expectProblem(await api.get('/api/me'), 401, 'session_revoked');
    api.cookies.set('parley_refresh', current);
    expectProblem(await api.post('/api/auth/refresh'), 401, 'session_revoked');
  });

  it('lets a refresh whose answer was lost be retried with the same token', async () => {
    const api = client();
    await api.signUp(uname('ida'));
    const sent = api.cookies.get('parley_refresh')!;
    expect((await api.post('/api/auth/refresh')).status).toBe(200);
    // The answer never arrived: the device still holds the token it sent, and tries again.
    api.cookies.set('parley_refresh', sent);
    const retry = await api.post('/api/auth/refresh');
    expect(retry.status).toBe(200);
    api.token = retry.body.accessToken;
    expect((await api.get('/api/me')).status).toBe(200);
    // And the session goes on as usual.
    const next = await api.post('/api/auth/refresh');
    expect(next.status).toBe(200);
    api.token = next.body.accessToken;
    expect((await api.get('/api/me')).status).toBe(200);
  });

  it('still catches a copy replayed at once: the next use of either token revokes', async () => {
    const api = client();
    await api.signUp(uname('jon'));
    const stolen = api.cookies.get('parley_refresh')!;
    expect((await api.post('/api/auth/refresh')).status).toBe(200);
    const thief = client();
    thief.cookies.set('parley_refresh', stolen);
    // Within the retry window the replay looks like a retry and gets a token…
    expect((await thief.post('/api/auth/refresh')).status).toBe(200);
    // …but the holder's next refresh retires the thief's, and the thief's next one revokes all.
    const r = await api.post('/api/auth/refresh');
    expect(r.status).toBe(200);
    api.token = r.body.accessToken;
    expectProblem(await thief.post('/api/auth/refresh'), 401, 'session_revoked');
    expectProblem(await api.get('/api/me'), 401, 'session_revoked');
  });

  it('answers 401 without a cookie and for an unknown token', async () => {
    expectProblem(await client().post('/api/auth/refresh'), 401, 'unauthorized');
    const api = client();
    api.cookies.set('parley_refresh', 'made-up-token');
    const r = await api.post('/api/auth/refresh');
    expectProblem(r, 401, 'unauthorized');
    // The dead cookie is cleared so the client stops sending it.
    expect(r.headers.getSetCookie()).toEqual([expect.stringMatching(/^parley_refresh=;.*Max-Age=0/)]);
    expect(api.cookies.has('parley_refresh')).toBe(false);
  });
});

describe('POST /api/auth/logout', () => {
  it('revokes the bearer token\'s session and clears the cookie', async () => {
    const api = client();
    await api.signUp(uname('hal'));
    const cookie = api.cookies.get('parley_refresh')!;
    const r = await api.post('/api/auth/logout');
    expect(r.status).toBe(204);
    const cleared = r.headers.getSetCookie();
    expect(cleared).toHaveLength(1);
    expect(cleared[0]).toMatch(/^parley_refresh=;/);
    expect(cleared[0]).toMatch(/Max-Age=0/);
    expect(cleared[0]).toMatch(/Path=\/api\/auth/);
    expectProblem(await api.get('/api/me'), 401, 'session_revoked');
    api.cookies.set('parley_refresh', cookie);
    expectProblem(await api.post('/api/auth/refresh'), 401, 'session_revoked');
  });

  it('revokes the refresh cookie\'s session when there is no bearer token', async () => {
    const api = client();
    await api.signUp(uname('ida'));
    const token = api.token!;
    api.token = undefined;
    expect((await api.post('/api/auth/logout')).status).toBe(204);
    expectProblem(await api.req('GET', '/api/me', undefined, { Authorization: `Bearer ${token}` }), 401, 'session_revoked');
  });

  it('falls back to the cookie when the bearer token is no longer valid', async () => {
    const api = client();
    await api.signUp(uname('jon'));
    const token = api.token!;
    api.token = 'expired.or.garbage';
    expect((await api.post('/api/auth/logout')).status).toBe(204);
    expectProblem(await api.req('GET', '/api/me', undefined, { Authorization: `Bearer ${token}` }), 401, 'session_revoked');
  });

  it('answers 204 when there is nothing to sign out (idempotent)', async () => {
    expect((await client().post('/api/auth/logout')).status).toBe(204);
  });

  it('leaves the user\'s other sessions signed in', async () => {
    const name = uname('kim');
    const a = client();
    await a.signUp(name);
    const b = client();
    await b.logIn(name);
    expect((await a.post('/api/auth/logout')).status).toBe(204);
    expect((await b.get('/api/me')).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('limits logins per username with 429 and Retry-After, without locking out other names', async () => {
    const s = await startTestServer({ LOGIN_RATE_PER_USER: '3', LOGIN_RATE_PER_IP: '1000' });
    try {
      const api = new TestClient(s.url);
      await api.post('/api/auth/register', { username: 'target', password: PASSWORD, displayName: 'T' });
      await api.post('/api/auth/register', { username: 'other', password: PASSWORD, displayName: 'O' });
      for (let i = 0; i < 3; i++) expect((await api.post('/api/auth/login', { username: 'target', password: 'wrong password' })).status).toBe(401);
      // Even the right password (and another case of the name) waits now.
      const r = await api.post('/api/auth/login', { username: 'TARGET', password: PASSWORD });
      expectProblem(r, 429, 'rate_limited');
      const retry = Number(r.headers.get('retry-after'));
      expect(Number.isInteger(retry)).toBe(true);
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      expect((await api.post('/api/auth/login', { username: 'other', password: PASSWORD })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('limits logins per address, whatever X-Forwarded-For says', async () => {
    const s = await startTestServer({ LOGIN_RATE_PER_USER: '1000', LOGIN_RATE_PER_IP: '3' });
    try {
      const api = new TestClient(s.url);
      await api.post('/api/auth/register', { username: 'someone', password: PASSWORD, displayName: 'S' });
      for (let i = 0; i < 3; i++) expect((await api.post('/api/auth/login', { username: `guess${i}`, password: 'wrong password' })).status).toBe(401);
      const r = await api.req('POST', '/api/auth/login', { username: 'someone', password: PASSWORD }, { 'X-Forwarded-For': '203.0.113.9' });
      expectProblem(r, 429, 'rate_limited');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await s.stop();
    }
  });

  it('limits registrations per address', async () => {
    const s = await startTestServer({ REGISTER_RATE_PER_IP: '2' });
    try {
      const api = new TestClient(s.url);
      for (const u of ['reg_one', 'reg_two']) expect((await api.post('/api/auth/register', { username: u, password: PASSWORD, displayName: u })).status).toBe(201);
      const r = await api.post('/api/auth/register', { username: 'reg_three', password: PASSWORD, displayName: 'x' });
      expectProblem(r, 429, 'rate_limited');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await s.stop();
    }
  });
});
