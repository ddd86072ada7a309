/**
 * Dormant documents of the multiplexed SyncClient (DESIGN §8) against a real server: a
 * document subscribed from its stored snapshot is loaded only when something it lacks
 * arrives, applies what arrived in order, goes back to its owner after an idle time, and
 * a write made while it is loaded is acked before it goes back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { DORMANT, SyncClient, type DormantDocHost, type WebSocketCtor } from '#shared/sync/client';
import { roomDocName } from '#shared/room-doc/names';
import { listMessages, sendMessage } from '#shared/room-doc/ops';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { connectDevice, waitFor, wsUrl, type Device } from './helpers/sync.ts';

let server: TestServer;
let alice: TestClient, bob: TestClient;
let aliceId: string, bobId: string;
let roomId: string;
const closers: (() => void)[] = [];
const idleBefore = DORMANT.idleMs;

beforeAll(async () => {
  DORMANT.idleMs = 300;
  server = await startTestServer();
  alice = new TestClient(server.url);
  bob = new TestClient(server.url);
  aliceId = (await alice.signUp('alice', 'Alice')).user.id;
  bobId = (await bob.signUp('bob', 'Bob')).user.id;
  const r = await alice.post('/api/rooms', { name: 'Team', memberIds: [bobId], visibility: 'private' });
  roomId = r.body.room.id;
});
afterEach(() => {
  for (const c of closers.splice(0)) c();
});
afterAll(async () => {
  DORMANT.idleMs = idleBefore;
  await server.stop();
});

/**
 * The owner side of a dormant document as a device keeps it: the stored copy as one
 * update, loaded into a fresh Y.Doc (a new clientID each time, as in the browser).
 */
class Store implements DormantDocHost {
  stored: Uint8Array = Y.encodeStateAsUpdate(new Y.Doc());
  snapshot: Y.Snapshot = Y.emptySnapshot;
  dirty = false;
  loads = 0;
  releases: boolean[] = [];
  current: Y.Doc | undefined;

  async load() {
    this.loads++;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, this.stored);
    // Writes are stored as they happen (y-dexie does the same).
    doc.on('update', () => (this.stored = Y.encodeStateAsUpdate(doc)));
    this.current = doc;
    return { doc };
  }

  release({ doc }: { doc: Y.Doc }, snapshot: Y.Snapshot, acked: boolean) {
    this.stored = Y.encodeStateAsUpdate(doc);
    this.snapshot = snapshot;
    this.dirty = !acked;
    this.releases.push(acked);
    this.current = undefined;
    doc.destroy();
  }

  messages(): (string | undefined)[] {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, this.stored);
    return listMessages(doc).map((m) => textOf(m.entry));
  }
}

function bobClient(): SyncClient {
  const client = new SyncClient({ url: wsUrl(server.url), getToken: () => bob.token!, WebSocketImpl: WebSocket as unknown as WebSocketCtor, manualReconnect: true });
  client.connect();
  closers.push(() => client.disconnect());
  return client;
}

function aliceDevice(): Device {
  const d = connectDevice(server.url, () => alice.token!);
  closers.push(() => d.close());
  return d;
}

/** Alice posts `text` and waits until the server has it. */
async function alicePosts(a: Device, name: string, text: string): Promise<void> {
  const doc = a.doc(name);
  await a.client.until(() => a.client.isSynced(name));
  sendMessage(doc, { authorId: aliceId, deviceId: 'dev-a', text });
  await a.client.until(() => a.client.isAcked(name));
}

const textOf = (entry: object): string | undefined => ('text' in entry ? String(entry.text) : undefined);
const released = (store: Store, n: number) => waitFor(() => store.releases.length >= n, 5000, `release #${n}`);

describe('a dormant document', () => {
  it('catches up from its stored snapshot, loads only for what it lacks, and goes back once idle', async () => {
    const name = roomDocName(roomId, 0);
    const a = aliceDevice();
    await alicePosts(a, name, 'one');

    const store = new Store();
    const b = bobClient();
    b.addDormantDoc(name, store);
    await b.until(() => b.state === 'up-to-date' && b.isSynced(name));
    // Step 2 brought a message the stored copy lacked: loaded, applied, handed back.
    await released(store, 1);
    expect(store.loads).toBe(1);
    expect(store.messages()).toEqual(['one']);
    expect(b.loadedDormant()).toEqual([]);

    // A reconnect with nothing new: the snapshot answers everything, nothing is loaded.
    b.dropConnection();
    b.connect();
    await b.until(() => b.state === 'up-to-date');
    expect(store.loads).toBe(1);

    // A live update loads it again, and it goes back again.
    await alicePosts(a, name, 'two');
    await released(store, 2);
    expect(store.loads).toBe(2);
    expect(store.messages()).toEqual(['one', 'two']);
  });

  it('is subscribed with the stored state vector: the server sends only what is new', async () => {
    const name = roomDocName(roomId, 0);
    const a = aliceDevice();
    const store = new Store();
    const first = bobClient();
    first.addDormantDoc(name, store);
    await first.until(() => first.isSynced(name));
    await waitFor(() => first.loadedDormant().length === 0 && store.releases.length > 0, 5000, 'first release');
    first.disconnect();
    const before = store.messages().length;

    await alicePosts(a, name, 'while away');
    const second = bobClient();
    second.addDormantDoc(name, store);
    await second.until(() => second.isSynced(name));
    await released(store, 2);
    expect(store.messages().length).toBe(before + 1);
    expect(store.messages().at(-1)).toBe('while away');
    expect(store.loads).toBe(2);
  });

  it('keeps a write made while loaded until the server acks it, then goes back', async () => {
    const name = roomDocName(roomId, 0);
    const a = aliceDevice();
    const docA = a.doc(name);
    await a.client.until(() => a.client.isSynced(name));
    const store = new Store();
    const b = bobClient();
    b.addDormantDoc(name, store);
    await b.until(() => b.isSynced(name));
    await waitFor(() => b.loadedDormant().length === 0, 5000, 'idle');
    const releasesBefore = store.releases.length;

    const doc = await b.wake(name);
    sendMessage(doc, { authorId: bobId, deviceId: 'dev-b', text: 'from bob' });
    await released(store, releasesBefore + 1);
    expect(store.releases.at(-1)).toBe(true);
    expect(b.isAcked(name)).toBe(true);
    await waitFor(() => listMessages(docA).some((m) => textOf(m.entry) === 'from bob' && m.seq !== null), 5000, 'delivery to alice');
  });

  it('stays loaded while held, however long it is quiet', async () => {
    const name = roomDocName(roomId, 0);
    const store = new Store();
    const b = bobClient();
    b.addDormantDoc(name, store);
    const unhold = b.hold(name);
    await b.until(() => b.isSynced(name));
    await new Promise((r) => setTimeout(r, DORMANT.idleMs * 3));
    expect(b.loadedDormant()).toEqual([name]);
    expect(store.releases).toEqual([]);
    unhold();
    await released(store, 1);
    expect(b.loadedDormant()).toEqual([]);
  });

  it('answers the server’s step 1 from the loaded copy when the stored one may hold unsent writes', async () => {
    const name = roomDocName(roomId, 0);
    const a = aliceDevice();
    const docA = a.doc(name);
    await a.client.until(() => a.client.isSynced(name));
    // Bob wrote while offline and the app died before it stored a new snapshot.
    const store = new Store();
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(docA));
    store.snapshot = Y.snapshot(offline);
    sendMessage(offline, { authorId: bobId, deviceId: 'dev-b', text: 'written offline' });
    store.stored = Y.encodeStateAsUpdate(offline);
    store.dirty = true;

    const b = bobClient();
    b.addDormantDoc(name, store);
    await waitFor(() => listMessages(docA).some((m) => textOf(m.entry) === 'written offline' && m.seq !== null), 5000, 'the offline write on the server');
    expect(store.loads).toBeGreaterThan(0);
    await waitFor(() => store.releases.length > 0 && !store.dirty, 5000, 'clean release');
  });
});
