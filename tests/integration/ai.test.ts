/**
 * AI auto-reply (DESIGN §9, issue 8): the real server and the real @google/genai SDK
 * against a local stand-in of the Gemini REST API. Each test uses its own users, so the
 * per-conversation rate and the daily cap of one never touch another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { connectDevice, waitFor, sleep, type Device } from './helpers/sync.ts';
import { startFakeGemini, type FakeGemini } from './helpers/fake-gemini.ts';
import { roomDocName } from '#shared/room-doc/names';
import type { AiOutcomeEvent } from '../../server/src/ai/index.ts';

let fake: FakeGemini;
let server: TestServer;
/** A second server: a short request deadline and a long grace period. */
let strict: TestServer;
const outcomes: AiOutcomeEvent[] = [];
let n = 0;

const BASE_ENV = { REGISTER_RATE_PER_IP: '1000', LOGIN_RATE_PER_IP: '1000' };

beforeAll(async () => {
  fake = await startFakeGemini('Fallback reply.');
  const ai = { GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: fake.url, GEMINI_MODEL: 'gemini-test-flash' };
  server = await startTestServer({ ...BASE_ENV, ...ai, AI_OFFLINE_GRACE_S: '1', AI_DAILY_CAP: '2' });
  strict = await startTestServer({ ...BASE_ENV, ...ai, AI_OFFLINE_GRACE_S: '60', AI_TIMEOUT_S: '0.5' });
  for (const s of [server, strict]) s.deps.sync.ai.onOutcome = (e) => outcomes.push(e);
});
afterAll(async () => {
  await Promise.all([server?.stop(), strict?.stop()]);
  await fake?.close();
});

interface Person {
  api: TestClient;
  id: string;
  token: string;
}

async function person(s: TestServer, name: string): Promise<Person> {
  const api = new TestClient(s.url);
  const r = await api.signUp(`${name}${++n}`, name);
  return { api, id: r.user.id, token: r.accessToken };
}

async function enableAi(p: Person, persona = '', rooms: 'all' | string[] = 'all'): Promise<void> {
  const r = await p.api.patch('/api/me', { settings: { aiAutoReply: { enabled: true, persona, rooms } } });
  expect(r.status).toBe(200);
}

async function dm(a: Person, b: Person): Promise<string> {
  const r = await a.api.post('/api/rooms/dm', { userId: b.id });
  expect(r.status).toBeLessThan(300);
  return r.body.room.id;
}

/** Posts over REST (no sync connection, so the author does not count as online). */
async function say(p: Person, roomId: string, text: string): Promise<string> {
  const r = await p.api.post(`/api/rooms/${roomId}/messages`, { text });
  expect(r.status).toBe(201);
  return r.body.message.id;
}

/** The room's history oldest first, as [author, kind, text]. */
async function history(p: Person, roomId: string): Promise<[string, string, string][]> {
  const r = await p.api.get(`/api/rooms/${roomId}/messages?limit=200`);
  expect(r.status).toBe(200);
  return (r.body.messages as { authorId: string; kind: string; text: string }[]).reverse().map((m) => [m.authorId, m.kind, m.text]);
}

/** Sends, waits until every reply this started is finished, and returns the decisions about it. */
async function sayAndSettle(s: TestServer, p: Person, roomId: string, text: string): Promise<{ id: string; decided: AiOutcomeEvent[] }> {
  const id = await say(p, roomId, text);
  await s.deps.sync.ai.settled();
  return { id, decided: outcomes.filter((o) => o.messageId === id) };
}

const textOf = (content: { parts: { text: string }[] }) => content.parts.map((p) => p.text).join('');

function online(s: TestServer, p: Person): Device {
  const d = connectDevice(s.url, p.token);
  return d;
}

describe('the reply', () => {
  it('sends the persona, the safety rules and the conversation, and the labelled reply reaches A in real time', async () => {
    const ann = await person(server, 'Ann');
    const bob = await person(server, 'Bob');
    expect((await ann.api.get('/api/config')).body.ai).toEqual({ available: true });
    const roomId = await dm(ann, bob);
    await say(ann, roomId, 'Hi Bob');
    await say(bob, roomId, 'Hi Ann, all good?');
    await enableAi(bob, 'I am on holiday until Monday; be brief and friendly.');

    const annDevice = online(server, ann);
    const doc = annDevice.doc(roomDocName(roomId, 0));
    await waitFor(() => doc.getMap('messages').size === 2, 5000, 'Ann synced');

    const before = fake.requests.length;
    fake.respond({ kind: 'ok', text: 'Bob is away until Monday and will see this later.' });
    const { id, decided } = await sayAndSettle(server, ann, roomId, 'Are we still on for Friday?');
    expect(decided).toEqual([{ roomId, messageId: id, userId: bob.id, outcome: { status: 'replied', messageId: expect.any(String) } }]);
    expect(fake.requests.length).toBe(before + 1);

    const req = fake.requests.at(-1)!;
    expect(req.model).toBe('gemini-test-flash');
    expect(req.path).toBe('/v1beta/models/gemini-test-flash:generateContent');
    expect(req.apiKey).toBe('test-key');
    const system = textOf(req.body.systemInstruction);
    expect(system).toContain('I am on holiday until Monday; be brief and friendly.');
    expect(system).toMatch(/Never claim or suggest that you are Bob or any human/);
    expect(system).toMatch(/Never promise/);
    expect(system).toMatch(/Bob will see the message later/);
    // The rules come before the persona, so the persona can't reframe them.
    expect(system.indexOf('Never claim')).toBeLessThan(system.indexOf('I am on holiday'));
    expect(req.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hi Bob' }] },
      { role: 'model', parts: [{ text: 'Hi Ann, all good?' }] },
      { role: 'user', parts: [{ text: 'Are we still on for Friday?' }] },
    ]);
    expect(req.body.generationConfig.maxOutputTokens).toBeGreaterThan(0);
    expect(req.body.generationConfig.maxOutputTokens).toBeLessThanOrEqual(2048);

    // Ann's device receives it over sync, sequenced, labelled as the AI's, written as Bob.
    const replyId = (decided[0]!.outcome as { messageId: string }).messageId;
    const key = `${bob.id}:${replyId}`;
    await waitFor(() => doc.getMap('order').has(key), 5000, 'AI reply on Ann’s device');
    expect(doc.getMap('messages').get(key)).toMatchObject({
      id: replyId,
      authorId: bob.id,
      kind: 'ai',
      text: 'Bob is away until Monday and will see this later.',
    });
    annDevice.close();

    expect(await history(ann, roomId)).toEqual([
      [ann.id, 'text', 'Hi Bob'],
      [bob.id, 'text', 'Hi Ann, all good?'],
      [ann.id, 'text', 'Are we still on for Friday?'],
      [bob.id, 'ai', 'Bob is away until Monday and will see this later.'],
    ]);

    // Bob sees on return what the AI said for him; nobody else does.
    const mine = await bob.api.get('/api/ai/replies');
    expect(mine.status).toBe(200);
    expect(mine.body.replies).toEqual([
      {
        roomId,
        messageId: replyId,
        answeredId: id,
        to: { id: ann.id, username: expect.any(String), displayName: 'Ann' },
        text: 'Bob is away until Monday and will see this later.',
        deleted: false,
        createdAt: expect.any(String),
      },
    ]);
    expect((await ann.api.get('/api/ai/replies')).body.replies).toEqual([]);
    expect((await bob.api.get(`/api/ai/replies?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.replies).toEqual([]);
    expect((await new TestClient(server.url).get('/api/ai/replies')).status).toBe(401);
  });

  it('bounds each message of the context and keeps the newest twenty', async () => {
    const ann = await person(server, 'Ann');
    const bob = await person(server, 'Bob');
    const roomId = await dm(ann, bob);
    for (let i = 1; i <= 24; i++) await say(i % 2 ? bob : ann, roomId, `m${i}`);
    await enableAi(bob);
    await sayAndSettle(server, ann, roomId, 'x'.repeat(5000));
    const req = fake.requests.at(-1)!;
    const texts = (req.body.contents as { role: string; parts: { text: string }[] }[]).flatMap((c) => c.parts.map((p) => [c.role, p.text]));
    // The 20 newest of 25 (m6 … m24 and the long one), the long one cut to 2,000 characters.
    expect(texts.slice(0, -1)).toEqual(Array.from({ length: 19 }, (_, i) => [(i + 6) % 2 ? 'model' : 'user', `m${i + 6}`]));
    expect(texts.at(-1)).toEqual(['user', 'x'.repeat(2000)]);
    // Turns alternate: Ann's last two messages share one turn.
    expect(req.body.contents.at(-1).parts).toEqual([{ text: 'm24' }, { text: 'x'.repeat(2000) }]);
    expect(req.body.contents.map((c: { role: string }) => c.role)).toEqual(Array.from({ length: 19 }, (_, i) => (i % 2 ? 'model' : 'user')));
  });

  it('answers once the last device has been gone for the grace period', async () => {
    const ann = await person(server, 'Ann');
    const bob = await person(server, 'Bob');
    const roomId = await dm(ann, bob);
    await enableAi(bob);
    const d = online(server, bob);
    await waitFor(() => server.deps.sync.presence.isOnline(bob.id), 5000, 'Bob online');
    d.close();
    await waitFor(() => !server.deps.sync.presence.isOnline(bob.id), 5000, 'Bob offline');
    await sleep(1100); // AI_OFFLINE_GRACE_S=1
    const { decided } = await sayAndSettle(server, ann, roomId, 'Still there?');
    expect(decided.map((o) => o.outcome.status)).toEqual(['replied']);
  });
});

describe('guards', () => {
  it('does nothing when the switch is off, or the chat is not one it covers', async () => {
    const ann = await person(server, 'Ann');
    const bob = await person(server, 'Bob');
    const roomId = await dm(ann, bob);
    const before = fake.requests.length;
    const off = await sayAndSettle(server, ann, roomId, 'hello?');
    expect(off.decided.map((o) => o.outcome)).toEqual([{ status: 'skipped', reason: 'disabled' }]);

    await enableAi(bob, '', ['some-other-room']);
    const other = await sayAndSettle(server, ann, roomId, 'hello??');
    expect(other.decided.map((o) => o.outcome)).toEqual([{ status: 'skipped', reason: 'not_covered' }]);
    expect(fake.requests.length).toBe(before);

    await enableAi(bob, '', [roomId]);
    const chosen = await sayAndSettle(server, ann, roomId, 'hello???');
    expect(chosen.decided.map((o) => o.outcome.status)).toEqual(['replied']);
    expect((await history(ann, roomId)).map((m) => m[1])).toEqual(['text', 'text', 'text', 'ai']);
  });

  it('never answers in a group', async () => {
    const ann = await person(server, 'Ann');
    const bob = await person(server, 'Bob');
    await enableAi(bob);
    const r = await ann.api.post('/api/rooms', { name: 'Trip', memberIds: [bob.id], visibility: 'private' });
    const roomId = r.body.room.id;
    const before = fake.requests.length;
    const { decided } = await sayAndSettle(server, ann, roomId, 'Anyone?');
    expect(decided.map((o) => o.outcome)).toEqual([{ status: 'skipped', reason: 'group' }]);
    expect(fake.requests.length).toBe(before);
    expect(await history(ann, roomId)).toEqual([[ann.id, 'text', 'Anyone?']]);
  });

  it('does not answer while one of B’s devices is online', async () => {
    const ann = await person(server, 'Ann');
    const bob = await person(server, 'Bob');
    const roomId = await dm(ann, bob);
    await enableAi(bob);
    const d = online(server, bob);
    await waitFor(() => server.deps.sync.presence.isOnline(bob.id), 5000, 'Bob online');
    const before = fake.requests.length;
    const { decided } = await sayAndSettle(server, ann, roomId, 'You there?');
    d.close();
    expect(decided.map((o) => o.outcome)).toEqual([{ status: 'skipped', reason: 'online' }]);
    expect(fake.requests.length).toBe(before);
    expect(await history(ann, roomId)).toEqual([[ann.id, 'text', 'You there?']]);
  });

  it('does not answer when B left less than the grace period ago', async () => {
    const ann = await person(strict, 'Ann');
    const bob = await person(strict, 'Bob');
    const roomId = await dm(ann, bob);
    await enableAi(bob);
    const d = online(strict, bob);
    await waitFor(() => strict.deps.sync.presence.isOnline(bob.id), 5000, 'Bob online');
    d.close();
    await waitFor(() => !strict.deps.sync.presence.isOnline(bob.id), 5000, 'Bob offline');
    const before = fake.requests.length;
    const { decided } = await sayAndSettle(strict, ann, roomId, 'Back soon?');
    expect(decided.map((o) => o.outcome)).toEqual([{ status: 'skipped', reason: 'grace' }]);
    expect(fake.requests.length).toBe(before);
  });

  it('writes nothing when B comes back online while the model is answering', async () => {
    const ann = await person(server, 'Ann');
    const bob = await person(server, 'Bob');
    const roomId = await dm(ann, bob);
    await enableAi(bob);
    let release!: () => void;
    const before = fake.requests.length;
    fake.respond({ kind: 'held', text: 'Too late.', until: new Promise<void>((r) => (release = r)) });
    const id = await say(ann, roomId, 'Quick question');
    await fake.waitForRequests(before + 1);
    const d = online(server, bob);
    await waitFor(() => server.deps.sync.presence.isOnline(bob.id), 5000, 'Bob online');
    release();
    await server.deps.sync.ai.settled();
    d.close();
    expect(outcomes.filter((o) => o.messageId === id).map((o) => o.outcome)).toEqual([{ status: 'skipped', reason: 'online', late: true }]);
    expect(await history(ann, roomId)).toEqual([[ann.id, 'text', 'Quick question']]);
  });

  it('writes nothing when B blocks A while the model is answering', async () => {
    const ann = await person(server, 'Ann');
    const bob = await person(server, 'Bob');
    const roomId = await dm(ann, bob);
    await enableAi(bob);
    let release!: () => void;
    const before = fake.requests.length;
    fake.respond({ kind: 'held', text: 'Hi!', until: new Promise<void>((r) => (release = r)) });
    const id = await say(ann, roomId, 'Buy my stuff');
    await fake.waitForRequests(before + 1);
    expect((await bob.api.post('/api/blocks', { userId: ann.id })).status).toBe(201);
    release();
    await server.deps.sync.ai.settled();
    expect(outcomes.filter((o) => o.messageId === id).map((o) => o.outcome)).toEqual([{ status: 'skipped', reason: 'blocked', late: true }]);
    expect(await history(bob, roomId)).toEqual([[ann.id, 'text', 'Buy my stuff']]);
  });

  it('never answers an AI message, so two people with AI on cannot loop', async () => {
    const ann = await person(server, 'Ann');
    const bob = await person(server, 'Bob');
    const roomId = await dm(ann, bob);
    await enableAi(ann);
    await enableAi(bob);
    const before = fake.requests.length;
    fake.respond({ kind: 'ok', text: 'Bob will reply later.' });
    const { decided } = await sayAndSettle(server, ann, roomId, 'Ping');
    expect(decided.map((o) => [o.userId, o.outcome.status])).toEqual([[bob.id, 'replied']]);
    const replyId = (decided[0]!.outcome as { messageId: string }).messageId;
    expect(outcomes.filter((o) => o.messageId === replyId).map((o) => o.outcome)).toEqual([{ status: 'skipped', reason: 'ai_message' }]);
    expect(fake.requests.length).toBe(before + 1);
    expect(await history(ann, roomId)).toEqual([
      [ann.id, 'text', 'Ping'],
      [bob.id, 'ai', 'Bob will reply later.'],
    ]);
  });

  it('answers at most once per conversation per interval', async () => {
    const ann = await person(server, 'Ann');
    const bob = await person(server, 'Bob');
    const roomId = await dm(ann, bob);
    await enableAi(bob);
    const before = fake.requests.length;
    const first = await sayAndSettle(server, ann, roomId, 'One');
    const second = await sayAndSettle(server, ann, roomId, 'Two');
    expect(first.decided.map((o) => o.outcome.status)).toEqual(['replied']);
    expect(second.decided.map((o) => o.outcome)).toEqual([{ status: 'skipped', reason: 'rate' }]);
    expect(fake.requests.length).toBe(before + 1);
    expect((await history(ann, roomId)).map((m) => m[1])).toEqual(['text', 'ai', 'text']);
  });

  it('stops at the daily cap per user', async () => {
    const bob = await person(server, 'Bob');
    await enableAi(bob);
    const results: string[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await person(server, 'Ann');
      const roomId = await dm(a, bob);
      const { decided } = await sayAndSettle(server, a, roomId, `Hello ${i}`);
      results.push(decided.map((o) => (o.outcome.status === 'skipped' ? o.outcome.reason : o.outcome.status)).join());
    }
    expect(results).toEqual(['replied', 'replied', 'cap']); // AI_DAILY_CAP=2
  });
});

describe('failures leave the room untouched', () => {
  async function failing(s: TestServer, ...responses: Parameters<FakeGemini['respond']>) {
    const ann = await person(s, 'Ann');
    const bob = await person(s, 'Bob');
    const roomId = await dm(ann, bob);
    await enableAi(bob);
    const before = fake.requests.length;
    fake.respond(...responses);
    const { decided } = await sayAndSettle(s, ann, roomId, 'Hello?');
    return { decided, requests: fake.requests.length - before, history: await history(ann, roomId), ann };
  }

  it('429 twice: retried once, then given up', async () => {
    const r = await failing(server, { kind: 'status', status: 429 }, { kind: 'status', status: 429 });
    expect(r.requests).toBe(2);
    expect(r.decided.map((o) => o.outcome)).toEqual([{ status: 'failed', error: expect.stringContaining('429'), attempts: 2 }]);
    expect(r.history).toEqual([[r.ann.id, 'text', 'Hello?']]);
  });

  it('500 twice: retried once, then given up', async () => {
    const r = await failing(server, { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    expect(r.requests).toBe(2);
    expect(r.decided.map((o) => o.outcome)).toEqual([{ status: 'failed', error: expect.stringContaining('500'), attempts: 2 }]);
    expect(r.history).toEqual([[r.ann.id, 'text', 'Hello?']]);
  });

  it('a time-out twice: retried once, then given up', async () => {
    const r = await failing(strict, { kind: 'hang' }, { kind: 'hang' });
    expect(r.requests).toBe(2);
    expect(r.decided.map((o) => o.outcome)).toEqual([{ status: 'failed', error: expect.stringMatching(/timed out/), attempts: 2 }]);
    expect(r.history).toEqual([[r.ann.id, 'text', 'Hello?']]);
  });

  it('a 503 then success: the retry writes the reply', async () => {
    const r = await failing(server, { kind: 'status', status: 503 }, { kind: 'ok', text: 'Second time lucky.' });
    expect(r.requests).toBe(2);
    expect(r.decided.map((o) => o.outcome.status)).toEqual(['replied']);
    expect(r.history.at(-1)![1]).toBe('ai');
  });

  it('a 400 is not retried', async () => {
    const r = await failing(server, { kind: 'status', status: 400 });
    expect(r.requests).toBe(1);
    expect(r.decided.map((o) => o.outcome)).toEqual([{ status: 'failed', error: expect.stringContaining('400'), attempts: 1 }]);
    expect(r.history).toEqual([[r.ann.id, 'text', 'Hello?']]);
  });
});

describe('without GEMINI_API_KEY', () => {
  it('says unavailable and nothing answers', async () => {
    const bare = await startTestServer(BASE_ENV);
    try {
      const seen: AiOutcomeEvent[] = [];
      bare.deps.sync.ai.onOutcome = (e) => seen.push(e);
      expect((await new TestClient(bare.url).get('/api/config')).body.ai).toEqual({ available: false });
      const ann = await person(bare, 'Ann');
      const bob = await person(bare, 'Bob');
      const roomId = await dm(ann, bob);
      await enableAi(bob);
      const before = fake.requests.length;
      const id = await say(ann, roomId, 'Anyone home?');
      await bare.deps.sync.ai.settled();
      expect(seen).toEqual([{ roomId, messageId: id, userId: null, outcome: { status: 'skipped', reason: 'unavailable' } }]);
      expect(fake.requests.length).toBe(before);
      expect(await history(ann, roomId)).toEqual([[ann.id, 'text', 'Anyone home?']]);
    } finally {
      await bare.stop();
    }
  });
});
