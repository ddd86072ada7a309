/**
 * createSyncStore: the Solid face of the sync manager. One manager per signed-in user and
 * device database; it follows the room list, reports the connection state for the banner,
 * who is online, and the server's limits (cached for offline use).
 */
import { createEffect, createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { ConnectionState } from '#shared/sync/client';
import type { PublicConfig } from '#shared/api/config';
import { SyncManager } from '../sync/manager.ts';
import { getMeta, MetaKey, setMeta } from '../storage/db.ts';
import type { SessionStore } from './session.ts';
import type { LocalStore } from './local.ts';
import type { RoomsStore } from './rooms.ts';
import type { TabLock } from './tab-lock.ts';
import { createPresenceStore, type PresenceStore } from './presence.ts';
import type { AccountChange } from '#shared/protocol/control';

export interface SyncStore {
  manager: Accessor<SyncManager | null>;
  state: Accessor<ConnectionState>;
  isOnline(userId: string): boolean;
  /** Online state and last seen of peers (DESIGN §3). */
  presence: PresenceStore;
  /** Read positions of a room's other members, as the server's last `receipts` said. */
  reads(roomId: string): Readonly<Record<string, number>>;
  /** The server's limits (`GET /api/config`), from the last time it was reachable. */
  config: Accessor<PublicConfig | null>;
}

/**
 * `onAccountChanged`: the server says the user's profile or block list changed (on this
 * device or another): the owner refetches it.
 */
export function createSyncStore(
  session: SessionStore,
  local: LocalStore,
  rooms: RoomsStore,
  tab: TabLock,
  onAccountChanged: (what: AccountChange) => void = () => {},
): SyncStore {
  const [manager, setManager] = createSignal<SyncManager | null>(null);
  const [state, setState] = createSignal<ConnectionState>('offline');
  const presence = createPresenceStore();
  const [reads, setReads] = createSignal<ReadonlyMap<string, Readonly<Record<string, number>>>>(new Map());
  const [config, setConfig] = createSignal<PublicConfig | null>(null);

  // Keyed by the user's id: a refreshed profile (a new `Me` object) keeps the same manager.
  // Only the active tab syncs (DESIGN §8, one writing tab).
  const userId = createMemo(() => session.user()?.id);
  createEffect(() => {
    const db = local.db();
    const me = userId();
    if (!db || !me || !tab.active()) return;
    const m = new SyncManager({
      db,
      userId: me,
      getToken: () => session.freshToken(),
      getDeviceId: () => session.deviceId(),
      onState: (s) => {
        if (s === 'offline' || s === 'connecting') presence.connectionLost();
        setState(s);
      },
      onRoomsChanged: () => void rooms.reload(),
      onPresence: (msg) => presence.apply(msg),
      onReceipts: (roomId, r) => setReads((prev) => new Map(prev).set(roomId, r)),
      onAccountChanged,
      onFatal: () => session.expire(),
      http: session.http,
    });
    setManager(m);
    void getMeta<PublicConfig>(db, MetaKey.config).then((c) => c && !config() && setConfig(c));
    void session.http
      .get<PublicConfig>('/api/config')
      .then((c) => {
        setConfig(c);
        return setMeta(db, MetaKey.config, c);
      })
      .catch(() => {});
    onCleanup(() => {
      m.dispose();
      presence.clear();
      setReads(new Map());
      setManager(null);
      setState('offline');
    });
  });

  // Every room in the list is subscribed; only those on screen stay loaded (the manager decides).
  createEffect(() => {
    const m = manager();
    if (!m || !rooms.loaded()) return;
    m.setRooms(rooms.rooms().map((r) => ({ id: r.id, liveEpoch: r.liveEpoch ?? 0 })));
  });

  const noReads: Readonly<Record<string, number>> = {};
  return { manager, state, isOnline: (id) => presence.isOnline(id), presence, reads: (roomId) => reads().get(roomId) ?? noReads, config };
}
