/**
 * createRoomsStore: the rooms of the logged-in user, from `GET /api/rooms`, kept sorted by
 * latest activity. Loads when the session signs in and empties when it signs out. (With
 * the sync issue this list moves to Dexie and reads through `liveQuery`.)
 */
import { createEffect, createSignal, on, type Accessor } from 'solid-js';
import { describeError } from '../api/http.ts';
import type { SessionStore } from './session.ts';
import type { CreateRoomBody, Room } from '#shared/api/rooms';
import type { RoomId, UserId } from '#shared/ids';

export interface RoomsStore {
  /** Latest activity first. */
  rooms: Accessor<Room[]>;
  /** True once the first load finished (successfully or not). */
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

export function createRoomsStore(session: SessionStore): RoomsStore {
  const [rooms, setRooms] = createSignal<Room[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  // Answers that arrive after a sign-out (or a newer load) must not repopulate the list.
  let generation = 0;

  function upsert(room: Room): Room {
    setRooms((list) => sortRooms([room, ...list.filter((r) => r.id !== room.id)]));
    return room;
  }

  async function reload() {
    const gen = ++generation;
    try {
      const list = await session.api.rooms();
      if (gen !== generation) return;
      setRooms(sortRooms(list));
      setError(null);
    } catch (e) {
      if (gen === generation) setError(describeError(e));
    } finally {
      if (gen === generation) setLoaded(true);
    }
  }

  createEffect(
    on(session.status, (status) => {
      if (status === 'signed-in') void reload();
      else {
        generation++;
        setRooms([]);
        setLoaded(false);
        setError(null);
      }
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
