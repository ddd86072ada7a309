/** Builds the same population of devices and rooms on any of the three servers. */
import { newId } from '#shared/ids';
import { LightDevice, connectAll } from './light.ts';
import type { ServerProc } from './proc.ts';

export interface Population {
  rooms: { docName: string; roomId: string; members: LightDevice[] }[];
  devices: LightDevice[];
  /** Parley user ids (and tokens) in device order; fake ids elsewhere. */
  users: { id: string; token?: string }[];
}

/**
 * `rooms` rooms of `perRoom` devices, each device a different user in exactly one room
 * (Parley: one multiplexed socket per device; stock and relay: one socket per device).
 * Devices are created, not connected.
 */
export async function makePopulation(server: ServerProc, rooms: number, perRoom: number): Promise<Population> {
  const n = rooms * perRoom;
  const layout = Array.from({ length: rooms }, (_, r) => Array.from({ length: perRoom }, (_, i) => r * perRoom + i));
  let users: { id: string; token?: string; sessionId?: string }[];
  let roomRefs: { id: string; docName: string }[];
  if (server.kind === 'parley') {
    const seeded = await server.call<{ users: { id: string; token: string; sessionId: string }[]; rooms: { id: string; docName: string }[] }>(
      'seed',
      { users: n, rooms: layout },
    );
    users = seeded.users;
    roomRefs = seeded.rooms;
  } else {
    users = Array.from({ length: n }, () => ({ id: newId(), sessionId: newId() }));
    roomRefs = layout.map(() => {
      const id = newId();
      return { id, docName: `room:${id}:0` };
    });
  }
  const pop: Population = { rooms: [], devices: [], users };
  layout.forEach((members, r) => {
    const room = { docName: roomRefs[r]!.docName, roomId: roomRefs[r]!.id, members: [] as LightDevice[] };
    members.forEach((u, slot) => {
      const user = users[u]!;
      const dev = new LightDevice(
        server.kind,
        server.wsUrl,
        { docNames: [room.docName], userId: user.id, deviceId: (user as { sessionId?: string }).sessionId ?? 'dev', token: user.token },
        r,
        slot,
      );
      room.members.push(dev);
      pop.devices.push(dev);
    });
    pop.rooms.push(room);
  });
  return pop;
}

export async function connectPopulation(pop: Population): Promise<void> {
  await connectAll(pop.devices, 50);
}

export function closePopulation(pop: Population): void {
  for (const d of pop.devices) d.close();
}
