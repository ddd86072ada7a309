/**
 * Response envelopes of the REST API (DESIGN §7). Lists come wrapped in an object named
 * after what they hold, so a response can grow fields (paging, totals) without breaking
 * clients.
 */
import type { BlockInfo, Me, PublicUser, SessionInfo } from './users.ts';
import type { PublicRoomSummary, Room } from './rooms.ts';

/** `POST /api/auth/register` (201). */
export interface RegisterResponse {
  user: Me;
}
/** `GET /api/users?q=`: at most 20. */
export interface UsersResponse {
  users: PublicUser[];
}
/** `GET /api/sessions`. */
export interface SessionsResponse {
  sessions: SessionInfo[];
}
/** `GET /api/blocks`. */
export interface BlocksResponse {
  blocks: BlockInfo[];
}
/** `GET /api/rooms`: the caller's rooms. */
export interface RoomsResponse {
  rooms: Room[];
}
/** `POST /api/rooms`, `POST /api/rooms/dm`, `GET/PATCH /api/rooms/:id`, joins. */
export interface RoomResponse {
  room: Room;
}
/** `GET /api/rooms/public?q=`. */
export interface PublicRoomsResponse {
  rooms: PublicRoomSummary[];
}
