/**
 * A crash loses no acknowledged message: several devices write while the server is killed
 * with SIGKILL, the server restarts on the same DATA_DIR, and afterwards every message any
 * device saw acknowledged is on the server exactly once and all devices converge.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { startChild, type Child } from './helpers/child-server.ts';
import { TestClient } from './helpers/api.ts';
import { connectDevice, sleep, waitFor, type Device } from './helpers/sync.ts';
import { roomDocName } from '#shared/room-doc/names';
import { listMessages, sendMessage } from '#shared/room-doc/ops';
import { fromBase64 } from '#shared/protocol/frames';

const dir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
let child: Child | undefined;
const devices: Device[] = [];
afterAll(async () => {
  for (const d of devices) d.close();
  await child?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A device that writes messages and records which ones the server acknowledged. */
function writer(url: string, token: () => string, userId: string, name: string) {
  const sent: { id: string; clock: number }[] = [];
  const acked = new Set<string>();
  const device = connectDevice(url, token, (m) => {
    if (m.type === 'ack' && m.doc === name) {
      const sv = Y.decodeStateVector(fromBase64(m.sv));
      const mine = sv.get(doc.clientID) ?? 0;
      for (const s of sent) if (s.clock <= mine) acked.add(s.id);
    }
  });
  devices.push(device);
  const doc = device.doc(name);
  const deviceId = `d${devices.length}`;
  let n = 0;
  return {
    device,
    doc,
    sent,
    acked,
    send() {
      const e = sendMessage(doc, { authorId: userId, deviceId, text: `m${n++}` });
      sent.push({ id: e.id, clock: Y.decodeStateVector(Y.encodeStateVector(doc)).get(doc.clientID) ?? 0 });
    },
  };
}

describe('SIGKILL while devices write', () => {
  it('keeps every acknowledged message, duplicates none, and converges', async () => {
    // These devices write into epoch 0 only (they don't follow `epoch` switches): a slow
    // machine sends more before the kill, and a sealed epoch would refuse the resend.
    const env = { MESSAGE_RATE_PER_MIN: '100000', EPOCH_MAX_MESSAGES: '1000000', EPOCH_MAX_KB: '1000000' };
    child = await startChild(dir, env);
    const port = child.port;
    const url = child.url;
    const users = await Promise.all(
      ['ann', 'ben', 'cat'].map(async (u) => {
        const c = new TestClient(url);
        const { user } = await c.signUp(u);
        return { c, id: user.id as string };
      }),
    );
    const room = await users[0]!.c.post('/api/rooms', { name: 'Crash', memberIds: [users[1]!.id, users[2]!.id] });
    const roomId = room.body.room.id as string;
    const name = roomDocName(roomId, 0);
    // The access token outlives the test (15 min); devices reuse it across the restart.
    const writers = users.map((u) => writer(url, () => u.c.token!, u.id, name));
    await Promise.all(writers.map((w) => w.device.client.until(() => w.device.client.isSynced(name))));

    let writing = true;
    const loops = writers.map(async (w) => {
      while (writing) {
        w.send();
        await sleep(3 + Math.random() * 5);
      }
    });
    await waitFor(() => writers.every((w) => w.acked.size >= 20), 10_000, 'some acks');
    await child.kill();
    const ackedBeforeCrash = writers.map((w) => new Set(w.acked));
    if (process.env.DEBUG_CRASH) console.log("acked/sent at kill", writers.map((w) => `${w.acked.size}/${w.sent.length}`));
    await sleep(150);
    child = await startChild(dir, env, port);
    await sleep(300);
    writing = false;
    await Promise.all(loops);

    // Everyone comes back, resends what the server lacks, and gets it acked.
    await Promise.all(
      writers.map((w) =>
        w.device.client.until(() => w.device.client.state === 'up-to-date' && w.device.client.isAcked(name), 30_000),
      ),
    );
    const history: { id: string; seq: number }[] = [];
    let before: number | null | undefined;
    do {
      const page = await users[0]!.c.get(`/api/rooms/${roomId}/messages?limit=200${before ? `&before=${before}` : ''}`);
      expect(page.status).toBe(200);
      history.push(...page.body.messages);
      before = page.body.nextBefore;
    } while (before);
    const onServer = new Set(history.map((m) => m.id));
    expect(onServer.size).toBe(history.length); // nothing duplicated
    for (const acked of ackedBeforeCrash) for (const id of acked) expect(onServer.has(id)).toBe(true);
    // After recovery every message any device wrote is on the server.
    const written = writers.flatMap((w) => w.sent.map((s) => s.id));
    for (const id of written) expect(onServer.has(id)).toBe(true);
    expect(history.length).toBe(written.length);
    // Seqs are unique and every device shows the same history in the same order.
    expect(new Set(history.map((m) => m.seq)).size).toBe(history.length);
    await waitFor(
      () =>
        writers.every((w) => {
          const list = listMessages(w.doc);
          return list.length === written.length && list.every((m) => m.seq !== null);
        }),
      15_000,
      'devices converge',
    );
    const orders = writers.map((w) => listMessages(w.doc).map((m) => `${m.seq}:${m.entry.id}`).join(','));
    expect(new Set(orders).size).toBe(1);
    const serverOrder = [...history].sort((a, b) => a.seq - b.seq).map((m) => `${m.seq}:${m.id}`).join(',');
    expect(orders[0]).toBe(serverOrder);
  }, 90_000);
});
