/** Rooms, members and invites: request schemas and response types. */
import { z } from 'zod';
import type { RoomId, UserId } from '../ids.ts';
import type { PublicUser } from './users.ts';

export const RoomKind = { dm: 'dm', group: 'group' } as const;
export type RoomKind = (typeof RoomKind)[keyof typeof RoomKind];

export const Visibility = z.enum(['public', 'private']);
export type Visibility = z.infer<typeof Visibility>;

/** owner > admin > member. */
export const Role = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof Role>;

export const RoomName = z.string().trim().min(1, 'required').max(80, 'at most 80 characters');
const Id = z.string().min(1).max(64);

export const CreateRoomBody = z.object({
  name: RoomName,
  memberIds: z.array(Id).max(500).default([]),
  visibility: Visibility.default('private'),
});
export type CreateRoomBody = z.input<typeof CreateRoomBody>;

export const CreateDmBody = z.object({ userId: Id });
export const PatchRoomBody = z
  .object({ name: RoomName.optional(), visibility: Visibility.optional(), onlyAdminsPost: z.boolean().optional() })
  .strict();
export type PatchRoomBody = z.input<typeof PatchRoomBody>;
export const AddMemberBody = z.object({ userId: Id });
export const ChangeRoleBody = z.object({ role: Role });
export const PublicRoomsQuery = z.object({ q: z.string().trim().max(80).default('') });

export interface Member extends PublicUser {
  role: Role;
  joinedAt: string;
}

/** A message as the room list previews it (filled by the sync layer). */
export interface MessagePreview {
  id: string;
  authorId: UserId;
  kind: string;
  text: string;
  createdAt: string;
  seq: number;
  deleted?: boolean;
}

export interface Room {
  id: RoomId;
  kind: RoomKind;
  /** For a DM: the other member's display name. */
  name: string;
  visibility: Visibility;
  onlyAdminsPost: boolean;
  createdAt: string;
  members: Member[];
  /** The caller's role in the room. */
  myRole: Role;
  lastMessage: MessagePreview | null;
  unread: number;
  /** The epoch whose document is live (DESIGN §3). */
  liveEpoch: number;
}

export interface PublicRoomSummary {
  id: RoomId;
  name: string;
  memberCount: number;
  isMember: boolean;
}

/** `POST /api/rooms/:id/invites` answers with this (201). */
export interface InviteResponse {
  token: string;
  /** `<origin>/invite/<token>`: the link to share. */
  url: string;
}

/** An active invite link, as `GET /api/rooms/:id/invites` lists it (admins only). */
export interface InviteInfo extends InviteResponse {
  createdBy: UserId;
  createdAt: string;
}

/** `GET /api/invites/:token`: where an invite leads, before joining. */
export interface InvitePreviewResponse {
  room: PublicRoomSummary;
}

/** `GET /api/rooms/:id/invites`. */
export interface InviteListResponse {
  invites: InviteInfo[];
}
