/**
 * Messages over REST: post (idempotent), history paging by seq, edit within the window,
 * delete by the author or a group admin, full-text search over the caller's rooms; and
 * the document lifecycle behind them (compaction into a snapshot, unloading when idle,
 * state surviving a restart).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { expectProblem } from './helpers/expect-problem.ts';
import { sleep } from './helpers/sync.ts';
import { roomDocName } from '#shared/room-doc/names';
import { listMessages } from '#shared/room-doc/ops';

const dir = mkdtempSync(join(tmpdir(), 'parley-msg-'));
const env = { EDIT_WINDOW_S: '2', COMPACT_AFTER_UPDATES: '10', DOC_IDLE_UNLOAD_S: '1' };
let server: TestServer;
let ann: TestClient, ben: TestClient, cy: TestClient;
let annId: string, benId: string;
let roomId: string;

beforeAll(async () => {
  server = await startTestServer(env, dir);
  ann = new TestClient(server.url);
  ben = new TestClient(server.url);
  cy = new TestClient(server.url);
  annId = (await ann.signUp('ann')).user.id;
  benId = (await ben.signUp('ben')).user.id;
  await cy.signUp('cyd');
  roomId = (await ann.post('/api/rooms', { name: 'Book club', memberIds: [benId] })).body.room.id;
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const post = (c: TestClient, text: string, extra: object = {}) => c.post(`/api/rooms/${roomId}/messages`, { text, ...extra });

describe('POST and GET messages', () => {
  it('validates the body and membership', async () => {
    expectProblem(await post(ann, ''), 400, 'bad_request');
    expectProblem(await ann.post(`/api/rooms/${roomId}/messages`, { text: 'x', id: 'not-a-ulid' }), 400, 'bad_request');
    expectProblem(await ann.post(`/api/rooms/${roomId}/messages`, { text: 'x', extra: 1 }), 400, 'bad_request');
    expectProblem(await post(cy, 'not a member'), 404, 'not_found');
    expectProblem(await new TestClient(server.url).post(`/api/rooms/${roomId}/messages`, { text: 'x' }), 401, 'unauthorized');
  });

  it('pages history newest first by seq, with nextBefore until the start', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await post(i % 2 ? ben : ann, `page ${i}`)).body.message.id);
    const first = await ben.get(`/api/rooms/${roomId}/messages?limit=3`);
    expect(first.status).toBe(200);
    expect(first.body.messages.map((m: { text: string }) => m.text)).toEqual(['page 6', 'page 5', 'page 4']);
    const seqs = first.body.messages.map((m: { seq: number }) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => b - a));
    expect(first.body.nextBefore).toBe(seqs[2]);
    const second = await ben.get(`/api/rooms/${roomId}/messages?limit=3&before=${first.body.nextBefore}`);
    expect(second.body.messages.map((m: { text: string }) => m.text)).toEqual(['page 3', 'page 2', 'page 1']);
    const last = await ben.get(`/api/rooms/${roomId}/messages?limit=3&before=${second.body.nextBefore}`);
    expect(last.body.messages.map((m: { text: string }) => m.text)).toEqual(['page 0']);
    expect(last.body.nextBefore).toBeNull();
    expectProblem(await ben.get(`/api/rooms/${roomId}/messages?limit=500`), 400, 'bad_request');
  });
});

describe('PATCH and DELETE', () => {
  it('lets the author edit within the window, and nobody else', async () => {
    const m = (await post(ann, 'tpyo')).body.message;
    const edited = await ann.patch(`/api/rooms/${roomId}/messages/${m.id}`, { text: 'typo' });
    expect(edited.status).toBe(200);
    expect(edited.body.message).toMatchObject({ id: m.id, text: 'typo', seq: m.seq });
    expect(edited.body.message.editedAt).not.toBeNull();
    expectProblem(await ben.patch(`/api/rooms/${roomId}/messages/${m.id}`, { text: 'hijack' }), 403, 'forbidden');
    expectProblem(await ann.patch(`/api/rooms/${roomId}/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV`, { text: 'x' }), 404, 'not_found');
    await sleep(2100);
    expectProblem(await ann.patch(`/api/rooms/${roomId}/messages/${m.id}`, { text: 'too late' }), 403, 'edit_window_passed');
    // The document holds the edit too.
    const doc = server.deps.sync.hub.getDoc(roomDocName(roomId, 0))!;
    expect(listMessages(doc).find((x) => x.entry.id === m.id)?.entry).toMatchObject({ text: 'typo' });
  });

  it('deletes as the author (tombstone), refuses a plain member deleting others, lets a group admin do it', async () => {
    const own = (await post(ben, 'oops')).body.message;
    expect((await ben.delete(`/api/rooms/${roomId}/messages/${own.id}`)).status).toBe(204);
    const other = (await post(ann, 'ann says')).body.message;
    expectProblem(await ben.delete(`/api/rooms/${roomId}/messages/${other.id}`), 403, 'forbidden');
    const byBen = (await post(ben, 'rude')).body.message;
    expect((await ann.delete(`/api/rooms/${roomId}/messages/${byBen.id}`)).status).toBe(204); // ann owns the group
    const page = (await ben.get(`/api/rooms/${roomId}/messages?limit=10`)).body.messages as { id: string; deleted: boolean; deletedBy: string; text: string }[];
    expect(page.find((m) => m.id === own.id)).toMatchObject({ deleted: true, deletedBy: benId, text: '' });
    expect(page.find((m) => m.id === byBen.id)).toMatchObject({ deleted: true, deletedBy: annId, text: '' });
    // A tombstone is final: no edit brings it back.
    expectProblem(await ben.patch(`/api/rooms/${roomId}/messages/${own.id}`, { text: 'back' }), 409, 'conflict');
  });
});

describe('search', () => {
  it('finds words over the caller’s rooms only, ignoring deleted messages and FTS syntax', async () => {
    await post(ann, 'The quick brown fox jumps');
    const other = (await cy.post('/api/rooms', { name: 'Cy only', memberIds: [] })).body.room.id;
    await cy.post(`/api/rooms/${other}/messages`, { text: 'a quick secret' });
    const r = await ben.get('/api/search?q=quick');
    expect(r.status).toBe(200);
    expect(r.body.results.map((m: { text: string }) => m.text)).toEqual(['The quick brown fox jumps']);
    expect((await ben.get('/api/search?q=qui')).body.results).toHaveLength(1); // prefix
    expect((await ben.get(`/api/search?q=${encodeURIComponent('"quick" OR NEAR(')}`)).status).toBe(200);
    expect((await ben.get('/api/search?q=rude')).body.results).toHaveLength(0); // deleted
    expectProblem(await ben.get(`/api/search?q=quick&roomId=${other}`), 404, 'not_found');
    expectProblem(await ben.get('/api/search?q='), 400, 'bad_request');
  });
});

describe('document lifecycle', () => {
  it('compacts the update log into a snapshot, unloads idle documents, and keeps everything across a restart', async () => {
    const name = roomDocName(roomId, 0);
    const before = (await ann.get(`/api/rooms/${roomId}/messages?limit=200`)).body.messages.length;
    for (let i = 0; i < 12; i++) await post(ann, `bulk ${i}`);
    const db = new Database(join(dir, 'parley.sqlite'), { readonly: true });
    const rows = db.prepare("SELECT kind, count(*) AS n FROM doc_updates WHERE doc = ? GROUP BY kind").all(name) as { kind: string; n: number }[];
    db.close();
    expect(rows.find((r) => r.kind === 's')?.n).toBe(1);
    expect(rows.find((r) => r.kind === 'u')?.n ?? 0).toBeLessThanOrEqual(10);
    // Nobody is subscribed: the document is unloaded after the idle time.
    const hub = server.deps.sync.hub;
    await sleep(1200);
    hub.unloadIdle();
    expect(hub.isLoaded(name)).toBe(false);

    await server.close();
    server = await startTestServer(env, dir);
    ann.baseUrl = server.url;
    const after = (await ann.get(`/api/rooms/${roomId}/messages?limit=200`)).body.messages;
    expect(after.length).toBe(before + 12);
    const doc = server.deps.sync.hub.getDoc(name)!;
    expect(listMessages(doc).length).toBe(after.length);
    expect(listMessages(doc).every((m) => m.seq !== null)).toBe(true);
  });
});
