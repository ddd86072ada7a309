/** The stores of the app, created once and handed to every screen through context. */
import { createContext, onCleanup, useContext, type ParentProps } from 'solid-js';
import { createSessionStore, type SessionStore } from './session.ts';
import { createRoomsStore, type RoomsStore } from './rooms.ts';
import { createLocalStore, type LocalStore } from './local.ts';
import { createSyncStore, type SyncStore } from './sync.ts';
import { createUploadsStore, type UploadsStore } from './uploads.ts';
import { createBlocksStore, type BlocksStore } from './blocks.ts';
import { createTabLock, type TabLock } from './tab-lock.ts';

interface Stores {
  session: SessionStore;
  rooms: RoomsStore;
  local: LocalStore;
  sync: SyncStore;
  uploads: UploadsStore;
  blocks: BlocksStore;
  tab: TabLock;
}

const StoresContext = createContext<Stores>();

export function StoresProvider(props: ParentProps) {
  const session = createSessionStore();
  const local = createLocalStore(session);
  const rooms = createRoomsStore(session, local);
  const tab = createTabLock(() => session.user()?.id);
  const blocks = createBlocksStore(session, local);
  // A change made on another device shows here at once (the server's `account` control).
  const sync = createSyncStore(session, local, rooms, tab, (what) => {
    if (what === 'blocks') void blocks.refresh().catch(() => {});
    else void session.api.me().then(session.setUser, () => {});
  });
  const uploads = createUploadsStore(session, local, rooms, sync, tab);
  void session.start();
  onCleanup(() => session.dispose());
  return <StoresContext.Provider value={{ session, rooms, local, sync, uploads, blocks, tab }}>{props.children}</StoresContext.Provider>;
}

function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside <StoresProvider>');
  return stores;
}

export const useSession = (): SessionStore => useStores().session;
export const useRooms = (): RoomsStore => useStores().rooms;
export const useLocal = (): LocalStore => useStores().local;
export const useSync = (): SyncStore => useStores().sync;
export const useUploads = (): UploadsStore => useStores().uploads;
export const useBlocks = (): BlocksStore => useStores().blocks;
export const useTab = (): TabLock => useStores().tab;
