/**
 * The typed REST calls of the app (DESIGN §7), one function per route, over an
 * authenticated {@link Http}. Auth calls that need no token live in the session store.
 */
import type { Http } from './http.ts';
import type { BlockInfo, BlockResponse, Me, PatchMeBody, PublicUser, SessionInfo } from '#shared/api/users';
import type {
  CreateRoomBody,
  InviteInfo,
  InviteListResponse,
  InvitePreviewResponse,
  InviteResponse,
  PatchRoomBody,
  PublicRoomSummary,
  Role,
  Room,
} from '#shared/api/rooms';
import type {
  BlocksResponse,
  PublicRoomsResponse,
  RoomResponse,
  RoomsResponse,
  SessionsResponse,
  UsersResponse,
} from '#shared/api/responses';
import type { MessageReceiptsResponse } from '#shared/api/messages';
import type { RoomId, SessionId, UserId } from '#shared/ids';

export type Api = ReturnType<typeof createApi>;

const room = (id: RoomId) => `/api/rooms/${encodeURIComponent(id)}`;

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
    patchRoom: async (id: RoomId, body: PatchRoomBody): Promise<Room> => (await http.patch<RoomResponse>(room(id), body)).room,

    /** Message info of an own message: who received and read it, and when. */
    messageReceipts: (id: RoomId, messageId: string) =>
      http.get<MessageReceiptsResponse>(`${room(id)}/messages/${encodeURIComponent(messageId)}/receipts`),

    publicRooms: async (q: string): Promise<PublicRoomSummary[]> => (await http.get<PublicRoomsResponse>('/api/rooms/public', { q })).rooms,
    joinRoom: async (id: RoomId): Promise<Room> => (await http.post<RoomResponse>(`${room(id)}/join`)).room,

    addMember: async (id: RoomId, userId: UserId): Promise<Room> => (await http.post<RoomResponse>(`${room(id)}/members`, { userId })).room,
    changeRole: async (id: RoomId, userId: UserId, role: Role): Promise<Room> =>
      (await http.patch<RoomResponse>(`${room(id)}/members/${encodeURIComponent(userId)}`, { role })).room,
    /** Removes a member, or (with your own id) leaves the group. */
    removeMember: (id: RoomId, userId: UserId) => http.delete(`${room(id)}/members/${encodeURIComponent(userId)}`),

    createInvite: (id: RoomId) => http.post<InviteResponse>(`${room(id)}/invites`),
    invites: async (id: RoomId): Promise<InviteInfo[]> => (await http.get<InviteListResponse>(`${room(id)}/invites`)).invites,
    revokeInvite: (id: RoomId, token: string) => http.delete(`${room(id)}/invites/${encodeURIComponent(token)}`),
    previewInvite: async (token: string) => (await http.get<InvitePreviewResponse>(`/api/invites/${encodeURIComponent(token)}`)).room,
    redeemInvite: async (token: string): Promise<Room> => (await http.post<RoomResponse>(`/api/invites/${encodeURIComponent(token)}`)).room,

    blocks: async (): Promise<BlockInfo[]> => (await http.get<BlocksResponse>('/api/blocks')).blocks,
    block: async (userId: UserId): Promise<BlockInfo> => (await http.post<BlockResponse>('/api/blocks', { userId })).block,
    unblock: (userId: UserId) => http.delete(`/api/blocks/${encodeURIComponent(userId)}`),
  };
}
