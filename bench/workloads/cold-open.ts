/**
 * Workloads 5 and 6: a new device opens a room holding `count` messages. Parley: the
 * newest page over REST (`GET /api/rooms/:id/messages?limit=50`, what the app shows first)
 * and, for comparison, the full sync step 2 of the live document over a fresh `/sync`
 * socket. Stock: a fresh socket's full sync (its only way in). Time from the request (or
 * the socket's creation) until the last byte is in; each open verified (the newest
 * message's marker; every marker of the full sync). Median of 5.
 */
import { decodeIndex, markerId, markerPattern, newPrefix } from '../lib/encode.ts';
import { LightDevice } from '../lib/light.ts';
import { startServerProc, type TargetKind, type ServerProc } from '../lib/proc.ts';
import { makePopulation } from '../lib/setup.ts';
import type { Figure } from '../report.ts';

const REPEAT = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(1)} KB`);

/** Opens `docName` on a fresh socket; resolves with ms and bytes once every marker arrived. */
export async function fullSync(
  server: ServerProc,
  spec: LightDevice['spec'],
  prefix: string,
  count: number,
  /** The document message `k` belongs to (default: any of the device's). */
  docOf?: (k: number) => string,
): Promise<{ ms: number; bytes: number }> {
  const pattern = markerPattern(prefix);
  const seen = new Uint8Array(count);
  let found = 0;
  const dev = new LightDevice(server.kind, server.wsUrl, spec);
  const t0 = performance.now();
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  dev.sink = (_d, data, docName) => {
    if (!spec.docNames.includes(docName)) return;
    for (let i = data.indexOf(pattern); i >= 0; i = data.indexOf(pattern, i + 28)) {
      const k = decodeIndex(data, i + 18);
      if (k < 0 || k >= count || (docOf && docOf(k) !== docName)) throw new Error(`${server.kind}: message ${k} in the wrong room`);
      if (!seen[k]) {
        seen[k] = 1;
        if (++found === count) done();
      }
    }
  };
  await dev.connect();
  await Promise.race([all, new Promise((_, rej) => setTimeout(() => rej(new Error(`${server.kind}: only ${found}/${count} messages arrived`)), 30_000))]);
  const ms = performance.now() - t0;
  dev.close();
  return { ms: Math.round(ms * 10) / 10, bytes: dev.bytesIn };
}

export async function coldOpen(kind: TargetKind, count: number, log: (s: string) => void): Promise<{ newest: Figure; fullSync: Figure }> {
  const server = await startServerProc(kind);
  try {
    const pop = await makePopulation(server, 1, 2);
    const room = pop.rooms[0]!;
    const prefix = newPrefix();
    const tf = performance.now();
    await server.call('fill', { docName: room.docName, authors: [pop.users[0]!.id], prefix, count });
    log(`  ${kind}: seeded ${count} messages in ${Math.round(performance.now() - tf)} ms`);
    const reader = room.members[1]!.spec;
    const syncs: { ms: number; bytes: number }[] = [];
    for (let i = 0; i < REPEAT; i++) syncs.push(await fullSync(server, reader, prefix, count));
    const fs: Figure = {
      value: median(syncs.map((s) => s.ms)),
      unit: 'ms',
      extra: kb(median(syncs.map((s) => s.bytes))),
      detail: { runs: syncs },
    };
    log(`  ${kind}: full sync ${fs.value} ms, ${fs.extra} (first ${syncs[0]!.ms} ms)`);
    if (kind !== 'parley') return { newest: fs, fullSync: fs };
    const pages: { ms: number; bytes: number }[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/rooms/${room.roomId}/messages?limit=50`, { headers: { Authorization: `Bearer ${reader.token}` } });
      const body = Buffer.from(await res.arrayBuffer());
      const ms = performance.now() - t0;
      const page = JSON.parse(body.toString('utf8')) as { messages: { id: string }[] };
      const ids = new Set(page.messages.map((m) => m.id));
      if (res.status !== 200 || page.messages.length !== 50 || !ids.has(markerId(prefix, count - 1)) || !ids.has(markerId(prefix, count - 50))) {
        throw new Error(`newest page: status ${res.status}, ${page.messages.length} messages, newest missing`);
      }
      pages.push({ ms: Math.round(ms * 10) / 10, bytes: body.length });
    }
    const newest: Figure = { value: median(pages.map((p) => p.ms)), unit: 'ms', extra: kb(median(pages.map((p) => p.bytes))), detail: { runs: pages } };
    log(`  parley: newest page ${newest.value} ms, ${newest.extra}`);
    return { newest, fullSync: fs };
  } finally {
    await server.stop();
  }
}
