/**
 * A restartable server for write-authorisation tests, and the check that a refused frame
 * changed nothing for anyone: not the server's document in memory, not what another
 * member's socket receives, not what SQLite holds after a restart.
 */
import { expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { newId } from '#shared/ids';
import { SyncType, encodeSyncMessage } from '#shared/protocol/frames';
import { messageKey } from '#shared/room-doc/schema';
import { SERVER_CLIENT_ID } from '../../../server/src/sync/loaded-doc.ts';
import { startTestServer, type TestServer } from './start-server.ts';
import { TestClient } from './api.ts';
import { RawSocket, waitFor } from './sync.ts';
import { Observer, SingleSocket, roundTrip } from './observer.ts';
import { contentOf, describeUpdate, fingerprint } from './forge.ts';

/** A registered user with their HTTP client (re-pointed at the server after each restart). */
export interface Member {
  api: TestClient;
  id: string;
  name: string;
  readonly token: string;
}

/** The real server on a DATA_DIR this object owns, restartable on the same data. */
export class World {
  private readonly members: Member[] = [];

  private constructor(
    public server: TestServer,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<World> {
    const dir = mkdtempSync(join(tmpdir(), 'parley-rules-'));
    return new World(await startTestServer(env, dir), dir, env);
  }

  get url(): string {
    return this.server.url;
  }

  /** The server's in-memory document (loaded from SQLite if it isn't). */
  serverDoc(name: string): Y.Doc {
    const doc = this.server.deps.sync.hub.getDoc(name);
    if (!doc) throw new Error(`no document ${name}`);
    return doc;
  }

  /**
   * Stops the server (closing every socket) and starts it again on the same data. The new
   * server gets a new port, so no HTTP keep-alive connection of the old one is reused;
   * members keep their tokens (the JWT secret lives in DATA_DIR).
   */
  async restart(): Promise<void> {
    await this.server.stop();
    this.server = await startTestServer(this.env, this.dataDir);
    for (const m of this.members) {
      const api = new TestClient(this.url);
      api.token = m.api.token;
      api.cookies = m.api.cookies;
      m.api = api;
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async member(username: string): Promise<Member> {
    const api = new TestClient(this.url);
    const { user } = await api.signUp(username, username[0]!.toUpperCase() + username.slice(1));
    const m: Member = {
      api,
      id: user.id,
      name: user.displayName,
      get token() {
        return m.api.token!;
      },
    };
    this.members.push(m);
    return m;
  }
}

/** Every message of a room over REST (its projection in SQLite), oldest first. */
export async function restMessages(api: TestClient, roomId: string): Promise<Record<string, unknown>[]> {
  const r = await api.get(`/api/rooms/${roomId}/messages?limit=200`);
  expect(r.status).toBe(200);
  return [...r.body.messages].reverse();
}

export interface Attack {
  world: World;
  doc: string;
  roomId: string;
  /** A member whose socket must receive nothing of the attack. */
  observer: Member;
  /** A member who may post in the room: their REST post shows that the pipeline moved on. */
  prober: Member;
  /** Sends the crafted frame(s) and asserts the refusal. */
  send(): Promise<void>;
  /** Message keys that must exist nowhere afterwards. */
  absentKeys?: string[];
}

/**
 * Runs `attack.send()` and checks that nothing changed for anyone:
 * (a) the server's document is byte for byte what it was;
 * (b) the observer received nothing but the prober's later post (structs of the server's
 *     own clientID only, no deletions, no awareness), and its replica equals the server's;
 * (c) after a restart, SQLite holds what memory held, and REST history is unchanged.
 * Restarts the world's server (every open socket is closed).
 */
export async function expectNothingChanged(attack: Attack): Promise<void> {
  const { world, doc, roomId, observer, prober } = attack;
  const obs = await Observer.open(world.url, observer.token, doc);
  const serverDoc = world.serverDoc(doc);
  const bytesBefore = Y.encodeStateAsUpdate(serverDoc);
  const before = fingerprint(serverDoc);
  const historyBefore = await restMessages(observer.api, roomId);
  const mark = obs.mark();

  await attack.send();

  // (a) in memory
  expect(fingerprint(serverDoc)).toEqual(before);
  expect(Buffer.from(Y.encodeStateAsUpdate(serverDoc)).equals(Buffer.from(bytesBefore))).toBe(true);
  expectAbsent(serverDoc, attack.absentKeys);

  // (b) what others receive: the prober's post goes through the same commit queue, so
  // anything accepted before it would reach the observer before it.
  const probeId = newId();
  const posted = await prober.api.post(`/api/rooms/${roomId}/messages`, { id: probeId, text: 'probe' });
  expect(posted.status).toBe(201);
  const probeKey = messageKey(prober.id, probeId);
  await waitFor(() => obs.replica.getMap('order').has(probeKey), 5000, 'the probe at the observer');
  const received = obs.since(mark);
  expect(received.map((m) => (m.kind === 'sync' ? `sync ${m.sub}` : m.kind))).toEqual(received.map(() => `sync ${SyncType.update}`));
  for (const u of obs.updatesSince(mark)) expect(describeUpdate(u)).toEqual({ structClients: [SERVER_CLIENT_ID], deleteClients: [] });
  expect(contentOf(obs.replica)).toEqual(contentOf(serverDoc));
  expectAbsent(obs.replica, attack.absentKeys);
  const afterProbe = fingerprint(serverDoc);
  const history = await restMessages(observer.api, roomId);
  expect(history.map((m) => m.id)).toEqual([...historyBefore.map((m) => m.id), probeId]);
  expect(history.slice(0, -1)).toEqual(historyBefore);
  obs.close();

  // (c) in SQLite, after a restart
  await world.restart();
  const reloaded = world.serverDoc(doc);
  expect(fingerprint(reloaded)).toEqual(afterProbe);
  expectAbsent(reloaded, attack.absentKeys);
  expect(await restMessages(observer.api, roomId)).toEqual(history);
}

function expectAbsent(doc: Y.Doc, keys: string[] = []): void {
  for (const k of keys) {
    expect(doc.getMap('messages').has(k), `messages has ${k}`).toBe(false);
    expect(doc.getMap('order').has(k), `order has ${k}`).toBe(false);
  }
}

/** Sends `message` (a y-websocket message) on a fresh authenticated socket and waits for the ack. */
export async function sendAccepted(world: World, member: Member, doc: string, update: Uint8Array, syncType: number = SyncType.update): Promise<void> {
  const raw = await RawSocket.connect(world.url, member.token);
  try {
    raw.send(doc, encodeSyncMessage(syncType, update));
    await waitFor(() => raw.errors().length > 0 || raw.controls.some((c) => c.type === 'ack' && c.doc === doc), 5000, `ack of ${doc}`);
    expect(raw.errors()).toEqual([]);
  } finally {
    raw.close();
  }
}

/**
 * Sends crafted frames as `member` on `/sync` and expects exactly one `error` per frame,
 * each `{code, doc}` with a detail matching `detail`. Returns the socket (still open).
 */
export async function sendRefused(
  world: World,
  member: Member,
  doc: string,
  messages: Uint8Array[],
  code: string,
  detail: RegExp,
): Promise<RawSocket> {
  const raw = await RawSocket.connect(world.url, member.token);
  for (const m of messages) raw.send(doc, m);
  await waitFor(() => raw.errors().length >= messages.length, 5000, `${messages.length} refusal(s)`);
  await roundTrip(raw);
  expect(raw.errors()).toHaveLength(messages.length);
  for (const e of raw.errors()) {
    expect(e).toMatchObject({ type: 'error', code, doc });
    expect((e as { detail: string }).detail).toMatch(detail);
  }
  expect(raw.controls.filter((c) => c.type === 'ack')).toEqual([]);
  expect(raw.closed).toBeUndefined();
  return raw;
}

/**
 * Sends crafted messages as `member` on the plain endpoint `/sync/<doc>` and expects one
 * permission-denied message per frame, reason matching `detail`, with the socket left open.
 */
export async function sendDenied(world: World, member: Member, doc: string, messages: Uint8Array[], detail: RegExp): Promise<SingleSocket> {
  const s = await SingleSocket.open(world.url, member.token, doc);
  for (const m of messages) s.ws.send(m);
  await waitFor(() => s.denials().length >= messages.length, 5000, `${messages.length} denial(s)`);
  await s.roundTrip();
  expect(s.denials()).toHaveLength(messages.length);
  for (const reason of s.denials()) expect(reason).toMatch(detail);
  expect(s.open).toBe(true);
  return s;
}

/** A sync update message carrying `update`. */
export const updateMessage = (update: Uint8Array): Uint8Array => encodeSyncMessage(SyncType.update, update);
