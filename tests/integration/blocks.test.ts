/** GET/POST/DELETE /api/blocks, the blockChanged event, and the helpers rooms and sync use. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { expectProblem } from './helpers/expect-problem.ts';
import { blockedIdsOf, blockerIdsOf, hasBlocked, isBlockedEitherWay } from '../../server/src/accounts/blocks.ts';

let server: TestServer;
let alice: TestClient;
let bob: TestClient;
let aliceId: string;
let bobId: string;
let carolId: string;

beforeAll(async () => {
  server = await startTestServer();
  alice = new TestClient(server.url);
  bob = new TestClient(server.url);
  aliceId = (await alice.signUp('alice', 'Alice')).user.id;
  bobId = (await bob.signUp('bob', 'Bob')).user.id;
  const carol = await new TestClient(server.url).post('/api/auth/register', { username: 'carol', password: 'correct horse battery', displayName: 'Carol' });
  carolId = carol.body.user.id;
});
afterAll(() => server.stop());

async function withEvents<T>(fn: () => Promise<T>): Promise<{ result: T; events: unknown[] }> {
  const events: unknown[] = [];
  const on = (e: unknown) => events.push(e);
  server.deps.events.on('blockChanged', on);
  try {
    return { result: await fn(), events };
  } finally {
    server.deps.events.off('blockChanged', on);
  }
}

describe('blocks', () => {
  it('starts empty', async () => {
    const r = await alice.get('/api/blocks');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ blocks: [] });
  });

  it('blocks with 201 {block}, announces it, and lists it', async () => {
    const { result: r, events } = await withEvents(() => alice.post('/api/blocks', { userId: bobId }));
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ block: { user: { id: bobId, username: 'bob', displayName: 'Bob' }, createdAt: expect.any(String) } });
    expect(events).toEqual([{ blockerId: aliceId, blockedId: bobId, blocked: true }]);
    expect((await alice.get('/api/blocks')).body).toEqual({ blocks: [r.body.block] });
    // One direction only: Bob's list is his own.
    expect((await bob.get('/api/blocks')).body).toEqual({ blocks: [] });
  });

  it('answers 200 with the original block when it already exists, without a second event', async () => {
    const before = (await alice.get('/api/blocks')).body.blocks[0];
    const { result: r, events } = await withEvents(() => alice.post('/api/blocks', { userId: bobId }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ block: before });
    expect(events).toEqual([]);
    expect((await alice.get('/api/blocks')).body.blocks).toHaveLength(1);
  });

  it('exposes the block to the rooms and sync layers', () => {
    const db = server.deps.db;
    expect(hasBlocked(db, aliceId, bobId)).toBe(true);
    expect(hasBlocked(db, bobId, aliceId)).toBe(false);
    expect(isBlockedEitherWay(db, aliceId, bobId)).toBe(true);
    expect(isBlockedEitherWay(db, bobId, aliceId)).toBe(true);
    expect(isBlockedEitherWay(db, aliceId, carolId)).toBe(false);
    expect(blockedIdsOf(db, aliceId)).toEqual([bobId]);
    expect(blockerIdsOf(db, bobId)).toEqual([aliceId]);
  });

  it('lists several blocks without private fields', async () => {
    expect((await alice.post('/api/blocks', { userId: carolId })).status).toBe(201);
    const { blocks } = (await alice.get('/api/blocks')).body;
    expect(blocks.map((b: { user: { username: string } }) => b.user.username).sort()).toEqual(['bob', 'carol']);
    for (const b of blocks) {
      expect(Object.keys(b).sort()).toEqual(['createdAt', 'user']);
      expect(Object.keys(b.user).sort()).toEqual(['displayName', 'id', 'username']);
    }
  });

  it('unblocks with 204 and announces it; a second unblock is 404', async () => {
    const { result: r, events } = await withEvents(() => alice.delete(`/api/blocks/${bobId}`));
    expect(r.status).toBe(204);
    expect(events).toEqual([{ blockerId: aliceId, blockedId: bobId, blocked: false }]);
    expect(hasBlocked(server.deps.db, aliceId, bobId)).toBe(false);
    expect((await alice.get('/api/blocks')).body.blocks.map((b: { user: { id: string } }) => b.user.id)).toEqual([carolId]);
    expectProblem(await alice.delete(`/api/blocks/${bobId}`), 404, 'not_found');
  });

  it('answers 400 for blocking yourself', async () => {
    expectProblem(await alice.post('/api/blocks', { userId: aliceId }), 400, 'bad_request');
  });

  it('answers 404 for an unknown user', async () => {
    expectProblem(await alice.post('/api/blocks', { userId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }), 404, 'not_found');
    expectProblem(await alice.delete('/api/blocks/01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'not_found');
  });

  it.each([
    ['a missing userId', {}],
    ['a userId that is not a string', { userId: 42 }],
    ['an empty userId', { userId: '' }],
    ['a userId over 64 characters', { userId: 'x'.repeat(65) }],
  ])('answers 400 for %s', async (_what, body) => {
    expectProblem(await alice.post('/api/blocks', body), 400, 'bad_request');
  });

  it('answers 401 without a token', async () => {
    const anon = new TestClient(server.url);
    expectProblem(await anon.get('/api/blocks'), 401, 'unauthorized');
    expectProblem(await anon.post('/api/blocks', { userId: bobId }), 401, 'unauthorized');
    expectProblem(await anon.delete(`/api/blocks/${carolId}`), 401, 'unauthorized');
  });
});
