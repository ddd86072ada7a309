/**
 * Workload 7: a device comes back online after 1,000 messages arrived in its 20 rooms.
 * Parley: one socket, auth, step 1 for all 20 rooms at once, 20 step 2s. Stock: 20
 * sockets, one handshake and sync each. Timed from the socket(s)' creation until every
 * one of the 1,000 markers arrived in its right room. Median of 3 (each with a fresh
 * device state: empty, so the catch-up carries everything the rooms hold).
 */
import { newPrefix } from '../lib/encode.ts';
import { startServerProc, type TargetKind } from '../lib/proc.ts';
import { makePopulation } from '../lib/setup.ts';
import type { Figure } from '../report.ts';
import { fullSync } from './cold-open.ts';

const ROOMS = 20;
const PER_ROOM = 50;

export async function catchUp(kind: TargetKind, log: (s: string) => void): Promise<Figure> {
  const server = await startServerProc(kind);
  try {
    // 20 rooms of two: the returning user (device 0 of each room is the same user on Parley) and a writer.
    const pop = await makePopulation(server, ROOMS, 2);
    const prefix = newPrefix();
    for (let r = 0; r < ROOMS; r++) {
      await server.call('fill', { docName: pop.rooms[r]!.docName, authors: [pop.rooms[r]!.members[1]!.spec.userId], prefix, count: PER_ROOM, start: r * PER_ROOM });
    }
    // One device that is a member of all 20 rooms.
    const docNames = pop.rooms.map((r) => r.docName);
    let spec = { ...pop.rooms[0]!.members[0]!.spec, docNames };
    if (kind === 'parley') {
      const joined = await server.call<{ token: string; userId: string; sessionId: string }>('joinAll', {
        userId: pop.rooms[0]!.members[0]!.spec.userId,
        roomIds: pop.rooms.map((r) => r.roomId),
      });
      spec = { ...spec, token: joined.token, deviceId: joined.sessionId };
    }
    const runs: { ms: number; bytes: number }[] = [];
    for (let i = 0; i < 3; i++) runs.push(await fullSync(server, spec, prefix, ROOMS * PER_ROOM, (k) => docNames[Math.floor(k / PER_ROOM)]!));
    const ms = [...runs].sort((a, b) => a.ms - b.ms)[1]!;
    log(`  ${kind}: ${runs.map((r) => r.ms).join(', ')} ms`);
    return {
      value: ms.ms,
      unit: 'ms',
      extra: `${kind === 'parley' ? 1 : ROOMS} socket${kind === 'parley' ? '' : 's'}, ${(ms.bytes / 1000).toFixed(0)} KB`,
      detail: { runs },
    };
  } finally {
    await server.stop();
  }
}
