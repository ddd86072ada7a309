/** GET/PATCH /api/me and the sessions (devices) list and revoke. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient, type ApiResponse } from './helpers/api.ts';
import { expectProblem } from './helpers/expect-problem.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LOGIN_RATE_PER_IP: '1000', REGISTER_RATE_PER_IP: '1000' });
});
afterAll(() => server.stop());

const client = () => new TestClient(server.url);
let n = 0;
const uname = (base: string) => `${base}${++n}`;

/** Collects the events of one kind the server emits while `fn` runs. */
async function collect<K extends 'settingsChanged' | 'sessionRevoked'>(kind: K, fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const on = (e: unknown) => seen.push(e);
  server.deps.events.on(kind, on as never);
  try {
    await fn();
  } finally {
    server.deps.events.off(kind, on as never);
  }
  return seen;
}

describe('GET /api/me', () => {
  it('answers the own account with default settings and no private fields', async () => {
    const api = client();
    const name = uname('mia');
    const { user } = await api.signUp(name, 'Mia M');
    const r = await api.get('/api/me');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: user.id,
      username: name,
      displayName: 'Mia M',
      createdAt: expect.any(String),
      settings: { shareReadReceipts: true, sharePresence: true, aiAutoReply: { enabled: false, persona: '', rooms: 'all' } },
    });
  });

  it('answers 401 without a token', async () => {
    expectProblem(await client().get('/api/me'), 401, 'unauthorized');
    expectProblem(await client().patch('/api/me', { displayName: 'x' }), 401, 'unauthorized');
  });
});

describe('PATCH /api/me', () => {
  let api: TestClient;
  let userId: string;
  beforeAll(async () => {
    api = client();
    userId = (await api.signUp(uname('ned'), 'Ned')).user.id;
  });

  it('renames, without a settingsChanged event', async () => {
    let r!: ApiResponse;
    const events = await collect('settingsChanged', async () => {
      r = await api.patch('/api/me', { displayName: '  Ned Stark ' });
    });
    expect(r.status).toBe(200);
    expect(r.body.displayName).toBe('Ned Stark');
    expect((await api.get('/api/me')).body.displayName).toBe('Ned Stark');
    expect(events).toEqual([]);
  });

  it('merges partial settings over the stored ones and the defaults, and announces the change', async () => {
    let first!: ApiResponse;
    const events = await collect('settingsChanged', async () => {
      first = await api.patch('/api/me', { settings: { shareReadReceipts: false } });
    });
    expect(events).toEqual([{ userId }]);
    expect(first.body.settings).toEqual({
      shareReadReceipts: false,
      sharePresence: true,
      aiAutoReply: { enabled: false, persona: '', rooms: 'all' },
    });

    const second = await api.patch('/api/me', { settings: { aiAutoReply: { persona: 'Brief and kind.' }, sharePresence: false } });
    expect(second.status).toBe(200);
    expect(second.body.settings).toEqual({
      shareReadReceipts: false,
      sharePresence: false,
      aiAutoReply: { enabled: false, persona: 'Brief and kind.', rooms: 'all' },
    });

    const third = await api.patch('/api/me', { settings: { aiAutoReply: { enabled: true, rooms: ['R1', 'R2'] } } });
    expect(third.body.settings.aiAutoReply).toEqual({ enabled: true, persona: 'Brief and kind.', rooms: ['R1', 'R2'] });
    expect((await api.get('/api/me')).body.settings).toEqual(third.body.settings);
  });

  it('does not announce a patch that changes nothing', async () => {
    await api.patch('/api/me', { settings: { sharePresence: true } });
    const events = await collect('settingsChanged', async () => {
      expect((await api.patch('/api/me', { settings: { sharePresence: true } })).status).toBe(200);
    });
    expect(events).toEqual([]);
  });

  it.each([
    ['an unknown field', { username: 'newname' }],
    ['an empty display name', { displayName: '  ' }],
    ['a display name over 64 characters', { displayName: 'x'.repeat(65) }],
    ['a setting of the wrong type', { settings: { sharePresence: 'yes' } }],
    ['an aiAutoReply.rooms that is neither "all" nor a list', { settings: { aiAutoReply: { rooms: 'some' } } }],
    ['a persona over 2000 characters', { settings: { aiAutoReply: { persona: 'p'.repeat(2001) } } }],
  ])('answers 400 for %s and changes nothing', async (_what, body) => {
    const before = (await api.get('/api/me')).body;
    expectProblem(await api.patch('/api/me', body), 400, 'bad_request');
    expect((await api.get('/api/me')).body).toEqual(before);
  });

  it('answers 400 for a body that is not JSON', async () => {
    expectProblem(await api.req('PATCH', '/api/me', '{', { 'Content-Type': 'application/json' }), 400, 'bad_request');
  });
});

describe('sessions', () => {
  const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const SAFARI_IPHONE =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

  async function loginWithUa(name: string, ua: string): Promise<TestClient> {
    const api = client();
    const r = await api.req('POST', '/api/auth/login', { username: name, password: 'correct horse battery' }, { 'User-Agent': ua });
    expect(r.status).toBe(200);
    api.token = r.body.accessToken;
    return api;
  }

  it('lists the own active sessions, flags the current one, and names devices from the User-Agent', async () => {
    const name = uname('ola');
    const a = client();
    await a.signUp(name); // deviceName 'test'
    const b = await loginWithUa(name, CHROME_LINUX);
    const c = await loginWithUa(name, SAFARI_IPHONE);
    await (await loginWithUa(name, '')).post('/api/auth/logout'); // a signed-out one is not listed
    await client().signUp(uname('other')); // someone else's session is not listed

    const r = await b.get('/api/sessions');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['sessions']);
    const list = r.body.sessions as { id: string; deviceName: string; current: boolean; createdAt: string; lastUsedAt: string }[];
    expect(list.map((s) => s.deviceName).sort()).toEqual(['Chrome on Linux', 'Safari on iOS', 'test']);
    expect(list.filter((s) => s.current).map((s) => s.deviceName)).toEqual(['Chrome on Linux']);
    for (const s of list) expect(Object.keys(s).sort()).toEqual(['createdAt', 'current', 'deviceName', 'id', 'lastUsedAt']);
    expect((await c.get('/api/sessions')).body.sessions.find((s: { current: boolean }) => s.current).deviceName).toBe('Safari on iOS');
    expect((await a.get('/api/sessions')).body.sessions).toHaveLength(3);
  });

  it('revokes another own session, whose access token and refresh cookie stop working at once', async () => {
    const name = uname('pam');
    const phone = client();
    const { sessionId: phoneSession } = await phone.signUp(name);
    const laptop = client();
    await laptop.logIn(name);
    expect((await phone.get('/api/me')).status).toBe(200);

    let r!: ApiResponse;
    const events = await collect('sessionRevoked', async () => {
      r = await laptop.delete(`/api/sessions/${phoneSession}`);
    });
    expect(r.status).toBe(204);
    expect(events).toEqual([{ sessionId: phoneSession, userId: expect.any(String) }]);

    expectProblem(await phone.get('/api/me'), 401, 'session_revoked');
    expectProblem(await phone.post('/api/auth/refresh'), 401, 'session_revoked');
    expect((await laptop.get('/api/sessions')).body.sessions).toHaveLength(1);
    // Revoking it again: it is no longer an active session.
    expectProblem(await laptop.delete(`/api/sessions/${phoneSession}`), 404, 'not_found');
  });

  it('revokes the current session too', async () => {
    const api = client();
    const { sessionId } = await api.signUp(uname('quin'));
    expect((await api.delete(`/api/sessions/${sessionId}`)).status).toBe(204);
    expectProblem(await api.get('/api/sessions'), 401, 'session_revoked');
  });

  it("answers 404 for someone else's session and for an unknown id, and leaves it alone", async () => {
    const victim = client();
    const { sessionId } = await victim.signUp(uname('rex'));
    const attacker = client();
    await attacker.signUp(uname('sly'));
    expectProblem(await attacker.delete(`/api/sessions/${sessionId}`), 404, 'not_found');
    expectProblem(await attacker.delete('/api/sessions/01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'not_found');
    expect((await victim.get('/api/me')).status).toBe(200);
  });

  it('answers 401 without a token', async () => {
    expectProblem(await client().get('/api/sessions'), 401, 'unauthorized');
    expectProblem(await client().delete('/api/sessions/01ARZ3NDEKTSV4RRFFQ69G5FAV'), 401, 'unauthorized');
  });
});
