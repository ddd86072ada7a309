/**
 * Workload 8: server memory with `rooms` rooms of `perRoom` messages each, every room
 * opened once by a device (full sync), then left idle. Parley keeps its data on disk: it
 * is seeded, restarted (cold), then the rooms are opened; after they have been idle longer
 * than DOC_IDLE_UNLOAD_S (10 s in the bench) the hub's unload pass runs (the same function
 * its timer calls). Stock holds every document in memory: seeded, opened, idle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newPrefix } from '../lib/encode.ts';
import { startServerProc, type TargetKind, type ServerProc } from '../lib/proc.ts';
import { makePopulation } from '../lib/setup.ts';
import type { Figure } from '../report.ts';
import { fullSync } from './cold-open.ts';

const mb = (b: number) => Math.round(b / 1e5) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(server: ServerProc) {
  const m = await server.call<{ heapUsed: number }>('mem');
  await sleep(200);
  return { rss: server.rss(), heapUsed: m.heapUsed };
}

export async function idleRooms(kind: TargetKind, rooms: number, perRoom: number, log: (s: string) => void): Promise<Figure> {
  // Parley restarts on the same data: the directory is ours to keep and remove.
  const dataDir = kind === 'parley' ? mkdtempSync(join(tmpdir(), 'parley-bench-')) : undefined;
  let server = await startServerProc(kind, { dataDir });
  try {
    const pop = await makePopulation(server, rooms, 2);
    const prefixes = pop.rooms.map(() => newPrefix());
    const base0 = await measure(server);
    const t0 = performance.now();
    for (const [r, room] of pop.rooms.entries()) {
      await server.call('fill', { docName: room.docName, authors: [room.members[0]!.spec.userId], prefix: prefixes[r], count: perRoom });
    }
    log(`  ${kind}: seeded ${rooms} × ${perRoom} in ${Math.round(performance.now() - t0)} ms`);
    let base = base0;
    if (kind === 'parley') {
      await server.stop();
      server = await startServerProc(kind, { dataDir });
      base = await measure(server);
    }
    for (const [r, room] of pop.rooms.entries()) {
      await fullSync(server, { ...room.members[1]!.spec, docNames: [room.docName] }, prefixes[r]!, perRoom, () => room.docName);
    }
    const opened = await measure(server);
    await sleep(11_000);
    if (kind === 'parley') await server.call('unloadIdle');
    const idle = await measure(server);
    const fig: Figure = {
      value: mb(idle.rss - base.rss),
      unit: 'MB RSS idle',
      extra: `${mb(opened.rss - base.rss)} MB after opening; heap ${mb(opened.heapUsed - base.heapUsed)} → ${mb(idle.heapUsed - base.heapUsed)} MB`,
      detail: { base, opened, idle, rooms, perRoom },
    };
    log(`  ${kind}: ${fig.value} ${fig.unit} (${fig.extra})`);
    return fig;
  } finally {
    await server.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
