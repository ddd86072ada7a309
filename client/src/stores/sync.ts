/**
 * createSyncStore: the Solid face of the sync manager. One manager per signed-in user and
 * device database; it follows the room list, reports the connection state for the banner,
 * who is online, and the server's limits (cached for offline use).
 */
import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { ConnectionState } from '#shared/sync/client';
import type { PublicConfig } from '#shared/api/config';
import { SyncManager } from '../sync/manager.ts';
import { getMeta, MetaKey, setMeta } from '../storage/db.ts';
import type { SessionStore } from './session.ts';
import type { LocalStore } from './local.ts';
import type { RoomsStore } from './rooms.ts';

export interface SyncStore {
  manager: Accessor<SyncManager | null>;
  state: Accessor<ConnectionState>;
  isOnline(userId: string): boolean;
  /** The server's limits (`GET /api/config`), from the last time it was reachable. */
  config: Accessor<PublicConfig | null>;
}

export function createSyncStore(session: SessionStore, local: LocalStore, rooms: RoomsStore): SyncStore {
  const [manager, setManager] = createSignal<SyncManager | null>(null);
  const [state, setState] = createSignal<ConnectionState>('offline');
  const [online, setOnline] = createSignal<ReadonlySet<string>>(new Set());
  const [config, setConfig] = createSignal<PublicConfig | null>(null);

  createEffect(() => {
    const db = local.db();
    const userId = session.user()?.id;
    if (!db || !userId) return;
    const m = new SyncManager({
      db,
      userId,
      getToken: () => session.freshToken(),
      onState: setState,
      onRoomsChanged: () => void rooms.reload(),
      onPresence: (id, on) =>
        setOnline((s) => {
          const next = new Set(s);
          if (on) next.add(id);
          else next.delete(id);
          return next;
        }),
      onFatal: () => session.expire(),
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
      setManager(null);
      setState('offline');
    });
  });

  // Every room in the list gets its document loaded and subscribed.
  createEffect(() => {
    const m = manager();
    if (!m || !rooms.loaded()) return;
    m.setRooms(rooms.rooms().map((r) => ({ id: r.id, liveEpoch: r.liveEpoch ?? 0 })));
  });

  return { manager, state, isOnline: (id) => online().has(id), config };
}
