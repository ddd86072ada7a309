/**
 * The typed REST calls of the app (DESIGN §7), one function per route, over an
 * authenticated {@link Http}. Auth calls that need no token live in the session store.
 */
import type { Http } from './http.ts';
import type { Me, PatchMeBody, PublicUser, SessionInfo } from '#shared/api/users';
import type { CreateRoomBody, Room } from '#shared/api/rooms';
import type { RoomResponse, RoomsResponse, SessionsResponse, UsersResponse } from '#shared/api/responses';
import type { RoomId, SessionId, UserId } from '#shared/ids';

export type Api = ReturnType<typeof createApi>;

export function createApi(http: Http) {
  return {
    me: () => http.get<Me>('/api/me'),
    updateMe: (body: PatchMeBody) => http.patch<Me>('/api/me', body),

    sessions: async (): Promise<SessionInfo[]> => (await http.get<SessionsResponse>('/api/sessions')).sessions,
    revokeSession: (id: SessionId) => http.delete(`/api/sessions/${encodeURIComponent(id)}`),

    searchUsers: async (q: string): Promise<PublicUser[]> => (await http.get<UsersResponse>('/api/users', { q })).users,

    rooms: async (): Promise<Room[]> => (await http.get<RoomsResponse>('/api/rooms')).rooms,
    room: async (id: RoomId): Promise<Room> => (await http.get<RoomResponse>(`/api/rooms/${encodeURIComponent(id)}`)).room,
    createRoom: async (body: CreateRoomBody): Promise<Room> => (await http.post<RoomResponse>('/api/rooms', body)).room,
    openDm: async (userId: UserId): Promise<Room> => (await http.post<RoomResponse>('/api/rooms/dm', { userId })).room,
  };
}
