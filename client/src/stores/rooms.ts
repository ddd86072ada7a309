/**
 * createRoomsStore: the rooms of the logged-in user. The list the server last sent
 * (`GET /api/rooms`) is kept in the device database, so it shows at once and offline; each
 * room's last message and unread count come from the local `messages` projection through
 * `liveQuery`, and the list is sorted by latest activity.
 */
import { Dexie } from 'dexie';
import { batch, createEffect, createMemo, createSignal, on, type Accessor } from 'solid-js';
import { describeError } from '../api/http.ts';
import type { SessionStore } from './session.ts';
import type { LocalStore } from './local.ts';
import { createLiveQuery } from '../storage/live.ts';
import { getMeta, MetaKey, type MessageRow, type ParleyDb } from '../storage/db.ts';
import type { CreateRoomBody, MessagePreview, Room } from '#shared/api/rooms';
import type { RoomId, UserId } from '#shared/ids';

export interface RoomsStore {
  /** Latest activity first. */
  rooms: Accessor<Room[]>;
  /** True once the first load finished (from the device or the server). */
  loaded: Accessor<boolean>;
  /** The last load's failure, for a retry banner. */
  error: Accessor<string | null>;
  reload(): Promise<void>;
  get(id: RoomId): Room | undefined;
  /** Puts a room an API call answered with into the list (replacing its old copy). */
  put(room: Room): Room;
  /** `GET /api/rooms/:id`, remembered in the list. */
  fetch(id: RoomId): Promise<Room>;
  /** Throws `ApiError`. */
  createGroup(body: CreateRoomBody): Promise<Room>;
  /** The DM with `userId`, the same room every time. Throws `ApiError` (403 when blocked). */
  openDm(userId: UserId): Promise<Room>;
}

/** When a room last saw activity: its last message, else its creation. */
export function activityOf(room: Room): string {
  return room.lastMessage?.createdAt ?? room.createdAt;
}

function sortRooms(rooms: Room[]): Room[] {
  return [...rooms].sort((a, b) => activityOf(b).localeCompare(activityOf(a)) || a.name.localeCompare(b.name));
}

interface LocalStats {
  last: MessageRow | undefined;
  /** Unread from the projection; null when the device holds no message of the room yet. */
  unread: number | null;
}

/**
 * Counting stops here: the list shows "99+" beyond it, and a room of thousands unread
 * would otherwise be walked row by row on every change of the messages table.
 */
export const UNREAD_CAP = 100;

/** Last message and unread count (up to {@link UNREAD_CAP}) of each room, from the device database. */
async function readStats(db: ParleyDb, ids: string[], me: string): Promise<Map<string, LocalStats>> {
  const reads = (await getMeta<Record<string, number>>(db, MetaKey.reads)) ?? {};
  const out = new Map<string, LocalStats>();
  await Promise.all(
    ids.map(async (id) => {
      const last = await db.messages.where('[roomId+sortKey]').between([id, Dexie.minKey], [id, Dexie.maxKey]).last();
      const unread = last
        ? await db.messages
            .where('[roomId+seq]')
            .between([id, (reads[id] ?? 0) + 1], [id, Dexie.maxKey])
            .filter((m) => m.authorId !== me && !m.deleted)
            .limit(UNREAD_CAP)
            .count()
        : null;
      out.set(id, { last, unread });
    }),
  );
  return out;
}

function preview(m: MessageRow): MessagePreview {
  return {
    id: m.id,
    authorId: m.authorId as UserId,
    kind: m.kind,
    text: m.text,
    createdAt: new Date(m.createdAt).toISOString(),
    seq: m.seq ?? 0,
    deleted: m.deleted,
  };
}

export function createRoomsStore(session: SessionStore, local: LocalStore): RoomsStore {
  const [base, setBase] = createSignal<Room[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  // Answers that arrive after a sign-out (or a newer load) must not repopulate the list.
  let generation = 0;
  // Per database: whether its stored list was read, and whether the server's list came.
  let deviceRead = false;
  let fromServer = false;

  const myId = createMemo(() => session.user()?.id);
  const stats = createLiveQuery(
    () => {
      const db = local.db();
      const me = myId();
      return db && me ? { db, me, ids: base().map((r) => r.id) } : null;
    },
    (s) => readStats(s.db, s.ids, s.me),
    new Map<string, LocalStats>(),
  );

  const rooms = createMemo(() => {
    const st = stats();
    return sortRooms(
      base().map((r) => {
        const s = st.get(r.id);
        if (!s?.last) return r;
        return { ...r, lastMessage: preview(s.last), unread: s.unread ?? r.unread };
      }),
    );
  });

  function upsert(room: Room): Room {
    setBase((list) => [room, ...list.filter((r) => r.id !== room.id)]);
    void local.db()?.rooms.put(room).catch(() => {});
    return room;
  }

  async function reload() {
    const gen = ++generation;
    try {
      const list = await session.api.rooms();
      if (gen !== generation) return;
      fromServer = true;
      batch(() => {
        setBase(list);
        setError(null);
        setLoaded(true);
      });
      const db = local.db();
      if (db) {
        await db.transaction('rw', db.rooms, async () => {
          await db.rooms.clear();
          await db.rooms.bulkPut(list);
        });
      }
    } catch (e) {
      if (gen === generation) {
        setError(describeError(e));
        // Offline, the device's copy decides what shows; it may still be on its way.
        if (deviceRead) setLoaded(true);
      }
    }
  }

  createEffect(
    on(local.db, (db) => {
      generation++;
      deviceRead = false;
      fromServer = false;
      batch(() => {
        setBase([]);
        setLoaded(false);
        setError(null);
      });
      if (!db) return;
      // The device's copy and the server's at the same time: the first paint of the list
      // waits for IndexedDB only, never for the network (DESIGN §12 B1).
      void db.rooms
        .toArray()
        .catch(() => [] as Room[])
        .then((list) => {
          if (local.db() !== db) return;
          deviceRead = true;
          if (fromServer) return;
          batch(() => {
            if (list.length) setBase(list);
            // An empty device waits for the server, unless that already failed.
            if (list.length || error()) setLoaded(true);
          });
        });
      void reload();
    }),
  );

  return {
    rooms,
    loaded,
    error,
    reload,
    get: (id) => rooms().find((r) => r.id === id),
    put: upsert,
    fetch: async (id) => upsert(await session.api.room(id)),
    createGroup: async (body) => upsert(await session.api.createRoom(body)),
    openDm: async (userId) => upsert(await session.api.openDm(userId)),
  };
}
