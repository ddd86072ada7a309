/**
 * The convergence chaos run (issue 9): devices of 8 users in 5 rooms — the project's
 * SyncClient over `/sync` plus a few stock y-websocket providers on `/sync/<docName>` —
 * send, edit and delete at random while a controller cuts devices off, brings them back,
 * and kills the server with SIGKILL, restarting it on the same DATA_DIR and port. Then
 * everyone comes back and {@link verify} compares every device with the server's
 * projection. All randomness comes from one seeded PRNG, so a failure replays its
 * sequence of actions with `CHAOS_SEED`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { SyncClient, type WebSocketCtor } from '#shared/sync/client';
import { fromBase64 } from '#shared/protocol/frames';
import { roomDocName } from '#shared/room-doc/names';
import { deleteMessage, editMessage, getMessage, sendMessage } from '#shared/room-doc/ops';
import { isTombstone } from '#shared/room-doc/schema';
import { startChild, type Child } from '../integration/helpers/child-server.ts';
import { TestClient } from '../integration/helpers/api.ts';
import { wsUrl } from '../integration/helpers/sync.ts';
import { verify, type Snapshot } from './verify.ts';

export interface ChaosOptions {
  seed: number;
  /** How long devices act at random. */
  actMs: number;
  /** SIGKILLs of the server during that time. */
  kills: number;
  syncDevices: number;
  providerDevices: number;
  log?: (s: string) => void;
}

export interface ChaosResult {
  seed: number;
  actions: Record<string, number>;
  problems: string[];
  messages: number;
}

/** mulberry32: small, fast, good enough to pick actions. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const USERS = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal'];
const WORDS = ['hello', 'yes', 'no', 'later', 'lunch?', 'ok', 'see', 'you', 'tomorrow', 'ship', 'it', 'why', 'not'];

interface Device {
  label: string;
  userId: string;
  deviceId: string;
  docs: Map<string, Y.Doc>;
  online: boolean;
  /** Ids of messages this device wrote, per document (only it edits or deletes them). */
  own: Map<string, string[]>;
  /** Sent messages with the clock that covers them (SyncClient devices). */
  sent: Map<string, { id: string; clock: number }[]>;
  acked: Set<string>;
  client?: SyncClient;
  provider?: WebsocketProvider;
  errors: string[];
}

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => {});
  const rand = prng(o.seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const dir = mkdtempSync(join(tmpdir(), 'parley-chaos-'));
  const env = { MESSAGE_RATE_PER_MIN: '100000', LOGIN_RATE_PER_USER: '1000', LOGIN_RATE_PER_IP: '1000', REGISTER_RATE_PER_IP: '1000' };
  let child: Child = await startChild(dir, env);
  const port = child.port;
  const url = child.url;
  const devices: Device[] = [];
  const actions: Record<string, number> = {};
  const count = (a: string) => (actions[a] = (actions[a] ?? 0) + 1);
  try {
    // 8 users, 5 rooms of 3–6 members each; every user in at least one room.
    const users: { name: string; id: string; c: TestClient }[] = [];
    for (const name of USERS) {
      const c = new TestClient(url);
      const { user } = await c.signUp(name);
      users.push({ name, id: user.id as string, c });
    }
    const rooms: { id: string; doc: string; members: string[] }[] = [];
    for (let r = 0; r < 5; r++) {
      const size = 3 + Math.floor(rand() * 4);
      const members = new Set<number>([r, (r + 5) % 8]);
      while (members.size < size) members.add(Math.floor(rand() * 8));
      const [owner, ...rest] = [...members].map((i) => users[i]!);
      const res = await owner!.c.post('/api/rooms', { name: `Chaos ${r}`, memberIds: rest.map((u) => u.id) });
      if (res.status !== 201) throw new Error(`create room: ${res.status} ${JSON.stringify(res.body)}`);
      rooms.push({ id: res.body.room.id, doc: roomDocName(res.body.room.id, 0), members: [owner!.id, ...rest.map((u) => u.id)] });
    }
    const roomsOf = (userId: string) => rooms.filter((r) => r.members.includes(userId));

    // Devices: SyncClients for every room of their user, providers for one room each.
    for (let i = 0; i < o.syncDevices + o.providerDevices; i++) {
      const u = users[i % users.length]!;
      const c = new TestClient(url);
      const login = await c.logIn(u.name, undefined, `chaos ${i}`);
      const token = login.accessToken;
      const d: Device = { label: `d${i}(${u.name})`, userId: u.id, deviceId: login.sessionId, docs: new Map(), online: true, own: new Map(), sent: new Map(), acked: new Set(), errors: [] };
      const mine = roomsOf(u.id);
      if (i < o.syncDevices) {
        const client = new SyncClient({
          url: wsUrl(url),
          getToken: () => token,
          WebSocketImpl: WebSocket as unknown as WebSocketCtor,
          onControl: (m) => {
            if (m.type === 'error') d.errors.push(`${m.code} ${m.doc ?? ''} ${m.detail}`);
            if (m.type !== 'ack') return;
            const doc = d.docs.get(m.doc);
            if (!doc) return;
            const covered = Y.decodeStateVector(fromBase64(m.sv)).get(doc.clientID) ?? 0;
            for (const s of d.sent.get(m.doc) ?? []) if (s.clock <= covered) d.acked.add(s.id);
          },
        });
        for (const r of mine) {
          const doc = new Y.Doc();
          d.docs.set(r.doc, doc);
          client.addDoc(r.doc, doc);
        }
        client.connect();
        d.client = client;
      } else {
        const r = pick(mine);
        const doc = new Y.Doc();
        d.docs.set(r.doc, doc);
        d.provider = new WebsocketProvider(wsUrl(url, '/sync'), r.doc, doc, {
          WebSocketPolyfill: WebSocket as never,
          params: { token },
          disableBc: true,
        });
        d.provider.on('connection-error', () => {});
      }
      devices.push(d);
    }
    await Promise.all(devices.map((d) => (d.client ? d.client.until(() => d.client!.state === 'up-to-date', 20_000) : waitSynced(d.provider!))));
    log(`chaos: ${devices.length} devices of ${users.length} users in ${rooms.length} rooms are up`);

    // Acting, with kills spread over the time.
    const t0 = Date.now();
    const killAt = Array.from({ length: o.kills }, (_, k) => ((k + 0.5 + (rand() - 0.5) * 0.5) * o.actMs) / o.kills).sort((a, b) => a - b);
    let n = 0;
    let restarting: Promise<void> | undefined;
    while (Date.now() - t0 < o.actMs || restarting || killAt.length) {
      if (!restarting && killAt.length && Date.now() - t0 >= killAt[0]!) {
        killAt.shift();
        // Devices keep acting (offline) while the server is down and starting again.
        const downMs = 50 + Math.floor(rand() * 400);
        restarting = (async () => {
          await child.kill();
          count('kill');
          await sleep(downMs);
          child = await startChild(dir, env, port);
          for (const d of devices) if (d.online) d.client?.retryNow();
          log(`chaos: server killed and restarted at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
          restarting = undefined;
        })();
      }
      const d = pick(devices);
      const docName = pick([...d.docs.keys()]);
      const doc = d.docs.get(docName)!;
      const own = d.own.get(docName) ?? [];
      const live = own.filter((id) => {
        const m = getMessage(doc, `${d.userId}:${id}`);
        return m && !isTombstone(m);
      });
      const roll = rand();
      if (roll < 0.55) {
        const e = sendMessage(doc, { authorId: d.userId, deviceId: d.deviceId, text: `${pick(WORDS)} ${pick(WORDS)} ${n++}` });
        own.push(e.id);
        d.own.set(docName, own);
        const list = d.sent.get(docName) ?? [];
        list.push({ id: e.id, clock: Y.decodeStateVector(Y.encodeStateVector(doc)).get(doc.clientID) ?? 0 });
        d.sent.set(docName, list);
        count('send');
      } else if (roll < 0.7 && live.length) {
        editMessage(doc, `${d.userId}:${pick(live)}`, `edited ${pick(WORDS)} ${n++}`, Date.now());
        count('edit');
      } else if (roll < 0.78 && live.length) {
        deleteMessage(doc, `${d.userId}:${pick(live)}`, d.userId);
        count('delete');
      } else if (roll < 0.9) {
        if (d.online) {
          d.online = false;
          if (d.client) rand() < 0.5 ? d.client.disconnect() : d.client.dropConnection();
          else d.provider!.disconnect();
          count('cut');
        } else {
          d.online = true;
          if (d.client) d.client.disconnect(), d.client.connect();
          else d.provider!.connect();
          count('reconnect');
        }
      }
      await sleep(5 + Math.floor(rand() * 25));
    }

    await restarting;
    // Everyone back; wait for every outbox to be acknowledged, then for agreement.
    for (const d of devices) {
      d.online = true;
      if (d.client) {
        d.client.disconnect();
        d.client.connect();
      } else if (!d.provider!.wsconnected) d.provider!.connect();
    }
    log(`chaos: acting done (${JSON.stringify(actions)}); waiting for convergence`);
    await Promise.all(
      devices.map((d) =>
        d.client
          ? d.client.until(() => d.client!.state === 'up-to-date' && [...d.docs.keys()].every((k) => d.client!.isAcked(k)), 30_000)
          : waitSynced(d.provider!),
      ),
    );
    const snapshot = async (): Promise<Snapshot> => {
      const server = new Map<string, { id: string; authorId: string; text: string; deleted: boolean; editedAt: string | null; seq: number | null }[]>();
      for (const r of rooms) {
        const member = users.find((u) => r.members.includes(u.id))!.c;
        const all = [];
        let before: number | null = null;
        do {
          const res: { status: number; body: any } = await member.get(`/api/rooms/${r.id}/messages?limit=200${before ? `&before=${before}` : ''}`);
          if (res.status !== 200) throw new Error(`history ${r.id}: ${res.status}`);
          all.push(...res.body.messages);
          before = res.body.nextBefore;
        } while (before);
        server.set(r.doc, all);
      }
      return { server, devices: devices.map((d) => ({ label: d.label, docs: d.docs, acked: d.acked, errors: d.errors })) };
    };
    let problems: string[] = [];
    let messages = 0;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const snap = await snapshot();
      ({ problems, messages } = verify(snap));
      if (!problems.length || Date.now() > deadline) break;
      await sleep(500);
    }
    return { seed: o.seed, actions, problems, messages };
  } finally {
    for (const d of devices) {
      d.client?.disconnect();
      d.provider?.destroy();
    }
    await child.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

function waitSynced(p: WebsocketProvider, timeoutMs = 30_000): Promise<void> {
  if (p.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('provider did not sync')), timeoutMs);
    p.once('sync', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
