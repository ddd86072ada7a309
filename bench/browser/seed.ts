/**
 * Seeding for the browser rows: two accounts over REST, a group of theirs holding
 * `count` messages and a few small rooms beside it (a chat list is rarely one row long).
 * Messages go in over `/sync` with the project's own SyncClient (Node, `ws`), a chunk of
 * them per Yjs transaction, each chunk acknowledged as durable before the next; the
 * server sequences a chunk in one commit and seals epochs as it would for real traffic,
 * so the room ends up as a real one does: sealed epochs and a live one.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { SyncClient, type WebSocketCtor } from '#shared/sync/client';
import { sendMessage } from '#shared/room-doc/ops';
import { roomDocName } from '#shared/room-doc/names';

export interface Account {
  id: string;
  username: string;
  password: string;
  displayName: string;
  token: string;
}

export interface Seeded {
  reader: Account;
  writer: Account;
  roomId: string;
  roomName: string;
  count: number;
  /** Text of the newest message (what the room must show first). */
  newestText: string;
  /** Live epoch of the big room after seeding. */
  liveEpoch: number;
  seedMs: number;
}

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.';

/** Message `i` (1-based): varied lengths, so rows have varied heights as in a real chat. */
export const messageText = (i: number): string => `#${i} ${LOREM.slice(0, 12 + ((i * 37) % (LOREM.length - 12)))}`;

async function api<T>(base: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function account(base: string, displayName: string): Promise<Account> {
  const username = `${displayName.toLowerCase().replace(/\W/g, '')}_${Math.random().toString(36).slice(2, 7)}`;
  const password = 'correct horse battery';
  const reg = await api<{ user: { id: string } }>(base, '/api/auth/register', { username, displayName, password });
  const login = await api<{ accessToken: string }>(base, '/api/auth/login', { username, password, deviceName: 'bench-seed' });
  return { id: reg.user.id, username, password, displayName, token: login.accessToken };
}

async function liveEpochOf(base: string, token: string, roomId: string): Promise<number> {
  const res = await fetch(`${base}/api/rooms/${roomId}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET room: ${res.status}`);
  const body = (await res.json()) as { room: { liveEpoch?: number } };
  return body.room.liveEpoch ?? 0;
}

/** One author's device: writes chunks into the room's live epoch, following seals. */
class Writer {
  readonly client: SyncClient;
  private docs = new Map<string, Y.Doc>();
  constructor(
    base: string,
    readonly author: Account,
  ) {
    this.client = new SyncClient({
      url: base.replace(/^http/, 'ws') + '/sync',
      getToken: () => author.token,
      WebSocketImpl: WebSocket as unknown as WebSocketCtor,
      manualReconnect: true,
    });
    this.client.connect();
  }

  async write(roomId: string, epoch: number, texts: { i: number; text: string }[]): Promise<void> {
    const name = roomDocName(roomId, epoch);
    let doc = this.docs.get(name);
    if (!doc) {
      doc = new Y.Doc();
      this.docs.set(name, doc);
      this.client.addDoc(name, doc);
      await this.client.until(() => this.client.isSynced(name), 30_000);
    }
    const d = doc;
    d.transact(() => {
      for (const t of texts) sendMessage(d, { authorId: this.author.id, deviceId: 'bench-seed', text: t.text });
    });
    await this.client.until(() => this.client.isAcked(name), 30_000);
  }

  close(): void {
    this.client.disconnect();
  }
}

/**
 * Seeds the big room with `count` messages in chunks of `chunk`, the two accounts taking
 * turns chunk by chunk; after each chunk the live epoch is read again (a seal moves the
 * next chunk to the new epoch).
 */
export async function seed(base: string, count: number, chunk = 150): Promise<Seeded> {
  const t0 = performance.now();
  const reader = await account(base, 'Reader Bench');
  const writer = await account(base, 'Writer Bench');
  const roomName = 'Ten thousand';
  const room = await api<{ room: { id: string } }>(base, '/api/rooms', { name: roomName, memberIds: [writer.id] }, reader.token);
  const roomId = room.room.id;
  // Small rooms beside it, each with a message, so the list has several rows to render.
  const devices = [new Writer(base, reader), new Writer(base, writer)];
  try {
    for (let k = 0; k < 5; k++) {
      const small = await api<{ room: { id: string } }>(base, '/api/rooms', { name: `Side room ${k + 1}`, memberIds: [reader.id] }, writer.token);
      await devices[1]!.write(small.room.id, 0, [{ i: 0, text: `hello from side room ${k + 1}` }]);
    }
    let epoch = await liveEpochOf(base, reader.token, roomId);
    for (let b = 0, turn = 0; b < count; b += chunk, turn++) {
      const texts = [];
      for (let i = b + 1; i <= Math.min(count, b + chunk); i++) texts.push({ i, text: messageText(i) });
      await devices[turn % 2]!.write(roomId, epoch, texts);
      epoch = await liveEpochOf(base, reader.token, roomId);
    }
    return { reader, writer, roomId, roomName, count, newestText: messageText(count), liveEpoch: epoch, seedMs: Math.round(performance.now() - t0) };
  } finally {
    for (const d of devices) d.close();
  }
}
