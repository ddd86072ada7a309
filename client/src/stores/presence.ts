/**
 * createPresenceStore: who is online and when peers were last seen, as the server lets
 * this user see them (`presence` controls: a snapshot on connect, then changes; privacy
 * switches and blocks are enforced on the server, DESIGN §3). The client only displays.
 * While this device is offline nobody is shown online: it can't know.
 */
import { createSignal, type Accessor } from 'solid-js';
import type { PresenceControl } from '../sync/manager.ts';

export interface PeerPresence {
  online: boolean;
  /** ISO time the peer's last device went away; null when hidden or unknown. */
  lastSeen: string | null;
}

export interface PresenceStore {
  of(userId: string): PeerPresence;
  isOnline(userId: string): boolean;
  /** Applies a `presence` control. */
  apply(msg: PresenceControl): void;
  /** This device lost its connection: online states are unknown until the next snapshot. */
  connectionLost(): void;
  clear(): void;
  all: Accessor<ReadonlyMap<string, PeerPresence>>;
}

const UNKNOWN: PeerPresence = { online: false, lastSeen: null };

export function createPresenceStore(): PresenceStore {
  const [all, setAll] = createSignal<ReadonlyMap<string, PeerPresence>>(new Map());
  return {
    all,
    of: (id) => all().get(id) ?? UNKNOWN,
    isOnline: (id) => all().get(id)?.online ?? false,
    apply(msg) {
      setAll((prev) => new Map(prev).set(msg.userId, { online: msg.online, lastSeen: msg.lastSeen }));
    },
    connectionLost() {
      setAll((prev) => new Map([...prev].map(([id, p]) => [id, { ...p, online: false }])));
    },
    clear: () => setAll(new Map()),
  };
}
