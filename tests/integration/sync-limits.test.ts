/**
 * Limits from configuration (DESIGN §5, §10): text length, update and frame size, the
 * per-connection update rate and the REST post rate. Going past one is a clear error that
 * applies nothing; `GET /api/config` publishes every one of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { roomDocName } from '#shared/room-doc/names';
import { messagesMap, orderMap } from '#shared/room-doc/ops';
import { RawSocket, waitFor } from './helpers/sync.ts';
import { Observer, roundTrip } from './helpers/observer.ts';
import { Forger, fingerprint, freshClientId, messageEntry } from './helpers/forge.ts';
import { World, restMessages, sendAccepted, sendDenied, sendRefused, updateMessage, type Member } from './helpers/rules-world.ts';
import { expectProblem } from './helpers/expect-problem.ts';
import { TestClient } from './helpers/api.ts';

const LIMITS = { MAX_TEXT_CHARS: 50, MAX_UPDATE_KB: 4, MESSAGE_RATE_PER_MIN: 5, EDIT_WINDOW_S: 120 };
const MAX_UPDATE_BYTES = LIMITS.MAX_UPDATE_KB * 1024;
let world: World;
let ada: Member, bea: Member, cyd: Member;
let roomId: string, name: string;

beforeAll(async () => {
  world = await World.start(Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, String(v)])));
  ada = await world.member('ada');
  bea = await world.member('bea');
  cyd = await world.member('cyd');
  roomId = (await ada.api.post('/api/rooms', { name: 'Limits', memberIds: [bea.id, cyd.id], visibility: 'private' })).body.room.id;
  name = roomDocName(roomId, 0);
});
afterAll(() => world?.stop());

const device = () => new Forger(world.serverDoc(name), freshClientId());

/** Asserts that `fn` changes nothing in the room's document and sends nothing to a watching member. */
async function expectNoEffect(fn: () => Promise<void>): Promise<void> {
  const watcher = await Observer.open(world.url, bea.token, name);
  const before = fingerprint(world.serverDoc(name));
  const mark = watcher.mark();
  await fn();
  expect(fingerprint(world.serverDoc(name))).toEqual(before);
  await roundTrip(watcher.raw);
  expect(watcher.since(mark)).toEqual([]);
  watcher.close();
}

describe('GET /api/config', () => {
  it('publishes every limit in force', async () => {
    const r = await new TestClient(world.url).get('/api/config');
    expect(r.status).toBe(200);
    expect(r.body.limits).toMatchObject({
      maxTextChars: LIMITS.MAX_TEXT_CHARS,
      maxUpdateBytes: MAX_UPDATE_BYTES,
      messagesPerMinute: LIMITS.MESSAGE_RATE_PER_MIN,
      editWindowSeconds: LIMITS.EDIT_WINDOW_S,
    });
  });
});

describe('text length (MAX_TEXT_CHARS=50)', () => {
  it('accepts 50 characters over sync and refuses 51 with `rejected`', async () => {
    const ok = messageEntry(ada.id, 'a'.repeat(50));
    await sendAccepted(world, ada, name, device().capture((doc) => messagesMap(doc).set(ok.key, ok.entry)));
    expect(orderMap(world.serverDoc(name)).get(ok.key)).toBeGreaterThan(0);
    const long = messageEntry(ada.id, 'a'.repeat(51));
    const u = device().capture((doc) => messagesMap(doc).set(long.key, long.entry));
    await expectNoEffect(async () => {
      (await sendRefused(world, ada, name, [updateMessage(u)], 'rejected', /^rule 2: bad message .*: text /)).close();
    });
    expect(messagesMap(world.serverDoc(name)).has(long.key)).toBe(false);
  });

  it('refuses 51 characters over REST with a 400 problem, for a post and for an edit', async () => {
    const before = await restMessages(cyd.api, roomId);
    const post = await cyd.api.post(`/api/rooms/${roomId}/messages`, { text: 'c'.repeat(51) });
    expectProblem(post, 400, 'bad_request');
    expect(post.body.errors).toEqual([{ path: 'text', message: `at most ${LIMITS.MAX_TEXT_CHARS} characters` }]);
    const fine = await cyd.api.post(`/api/rooms/${roomId}/messages`, { text: 'c'.repeat(50) });
    expect(fine.status).toBe(201);
    const edit = await cyd.api.patch(`/api/rooms/${roomId}/messages/${fine.body.message.id}`, { text: 'd'.repeat(51) });
    expectProblem(edit, 400, 'bad_request');
    const after = await restMessages(cyd.api, roomId);
    expect(after).toEqual([...before, fine.body.message]);
  });
});

describe('update and frame size (MAX_UPDATE_KB=4)', () => {
  /** Valid short messages, enough for an update of at least `bytes`. */
  function bigUpdate(bytes: number): { update: Uint8Array; keys: string[] } {
    const scratch = new Y.Doc();
    const entries: ReturnType<typeof messageEntry>[] = [];
    while (Y.encodeStateAsUpdate(scratch).byteLength <= bytes) {
      const m = messageEntry(ada.id, 'z'.repeat(40));
      messagesMap(scratch).set(m.key, m.entry);
      entries.push(m);
    }
    const update = device().capture((doc) => entries.forEach((m) => messagesMap(doc).set(m.key, m.entry)));
    return { update, keys: entries.map((m) => m.key) };
  }

  it('refuses an update over the limit with `too_large` on /sync and permission-denied on /sync/<doc>', async () => {
    const { update, keys } = bigUpdate(MAX_UPDATE_BYTES);
    expect(update.byteLength).toBeGreaterThan(MAX_UPDATE_BYTES);
    expect(update.byteLength).toBeLessThan(MAX_UPDATE_BYTES + 512); // still fits one frame
    await expectNoEffect(async () => {
      (await sendRefused(world, ada, name, [updateMessage(update)], 'too_large', new RegExp(`^Update larger than ${MAX_UPDATE_BYTES} bytes$`))).close();
      (await sendDenied(world, ada, name, [updateMessage(update)], /^Update larger than /)).close();
    });
    for (const k of keys) expect(messagesMap(world.serverDoc(name)).has(k)).toBe(false);
  });

  it('closes a socket that sends a frame over the frame limit (1009), applying nothing', async () => {
    const { update } = bigUpdate(MAX_UPDATE_BYTES + 2048);
    await expectNoEffect(async () => {
      const raw = await RawSocket.connect(world.url, ada.token);
      raw.sendUpdate(name, update);
      expect((await raw.waitClosed())?.code).toBe(1009);
      expect(raw.errors()).toEqual([]);
    });
  });
});

describe('rates (MESSAGE_RATE_PER_MIN=5)', () => {
  it('answers the sixth update of a connection within a minute with `rate_limited` and applies nothing of it', async () => {
    const watcher = await Observer.open(world.url, bea.token, name);
    const raw = await RawSocket.connect(world.url, ada.token);
    const d = device();
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = messageEntry(ada.id, `burst ${i}`);
      keys.push(m.key);
      raw.sendUpdate(name, d.capture((doc) => messagesMap(doc).set(m.key, m.entry)));
    }
    await waitFor(() => keys.every((k) => orderMap(watcher.replica).has(k)), 5000, 'five messages at bea');
    const sixth = messageEntry(ada.id, 'one too many');
    const u = new Forger(world.serverDoc(name), freshClientId()).capture((doc) => messagesMap(doc).set(sixth.key, sixth.entry));
    const before = fingerprint(world.serverDoc(name));
    const mark = watcher.mark();
    raw.sendUpdate(name, u);
    await waitFor(() => raw.errors().length > 0, 5000, 'refusal');
    expect(raw.errors()).toEqual([{ type: 'error', code: 'rate_limited', doc: name, detail: 'Too many updates; slow down and resync' }]);
    expect(fingerprint(world.serverDoc(name))).toEqual(before);
    await roundTrip(watcher.raw);
    expect(watcher.since(mark)).toEqual([]);
    // The limit is the connection's: another socket of the same user may still write.
    await sendAccepted(world, ada, name, u);
    await waitFor(() => orderMap(watcher.replica).has(sixth.key), 5000, 'sixth on a fresh socket');
    raw.close();
    watcher.close();
  });

  it('answers a REST post past the rate with 429 and Retry-After, storing nothing', async () => {
    const before = await restMessages(bea.api, roomId);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await bea.api.post(`/api/rooms/${roomId}/messages`, { text: `post ${i}` });
      expect(r.status).toBe(201);
      ids.push(r.body.message.id);
    }
    const over = messageEntry(bea.id, 'x');
    const r = await bea.api.post(`/api/rooms/${roomId}/messages`, { id: over.id, text: 'one too many' });
    expectProblem(r, 429, 'rate_limited');
    const retryAfter = Number(r.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    const after = await restMessages(bea.api, roomId);
    expect(after.map((m) => m.id)).toEqual([...before.map((m) => m.id), ...ids]);
    expect(messagesMap(world.serverDoc(name)).has(over.key)).toBe(false);
  });
});
